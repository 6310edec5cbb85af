#include "emulator/sqs/sqs_service.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "emulator/sqs/sqs_fields.h"

namespace sgwatch::emulator {
namespace {

using Json = nlohmann::json;

// SQS's queue names: 1-80 letters, digits, hyphens and underscores (FIFO queues, whose
// names end in ".fifo", are not served).
bool valid_queue_name(const std::string& name) {
  return !name.empty() && name.size() <= 80 &&
         std::all_of(name.begin(), name.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '-' || c == '_';
         });
}

// The account and name of a queue URL: its last two path segments, whatever the host (a
// client may reach the emulator as localhost or 127.0.0.1).
std::optional<std::pair<std::string, std::string>> parse_queue_url(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (path == std::string::npos) return std::nullopt;
  std::string rest = url.substr(path + 1);
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  const size_t slash = rest.rfind('/');
  if (slash == std::string::npos) return std::nullopt;
  std::string name = rest.substr(slash + 1);
  std::string account = rest.substr(0, slash);
  if (const size_t inner = account.rfind('/'); inner != std::string::npos) {
    account = account.substr(inner + 1);
  }
  if (account.empty() || name.empty()) return std::nullopt;
  return std::make_pair(account, name);
}

std::string epoch_seconds(Timestamp time) {
  return std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count());
}

}  // namespace

SqsService::SqsService(const Clock& clock, uint64_t seed)
    : clock_(clock), random_(seed != 0 ? seed ^ 0x7371'7300'0000'0000ULL : std::random_device()()) {}

SqsService::~SqsService() { stop(); }

void SqsService::set_endpoint(const std::string& endpoint) {
  std::lock_guard lock(mutex_);
  endpoint_ = endpoint;
}

void SqsService::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
}

std::string SqsService::new_id_locked() {
  const uint64_t high = random_();
  const uint64_t low = random_();
  return fmt::format("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", high >> 32, (high >> 16) & 0xffff,
                     high & 0x0fff, ((low >> 48) & 0x3fff) | 0x8000, low & 0xffff'ffff'ffffULL);
}

std::string SqsService::new_handle_locked() {
  // Opaque, long and base64-looking, as SQS's are; only this queue can tell what it means.
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string handle = "AQEB";
  while (handle.size() < 180) {
    uint64_t bits = random_();
    for (int i = 0; i < 10; ++i, bits >>= 6) handle += kAlphabet[bits & 63];
  }
  return handle + "==";
}

SqsQueue* SqsService::find_locked(const std::string& url_or_arn, const std::string& region) const {
  if (auto found = queues_.find(url_or_arn); found != queues_.end()) return found->second.get();
  auto parts = parse_queue_url(url_or_arn);
  if (!parts || url_or_arn.starts_with("arn:")) return nullptr;
  for (const auto& [arn, queue] : queues_) {
    if (queue->account() == parts->first && queue->name() == parts->second &&
        (region.empty() || queue->region() == region)) {
      return queue.get();
    }
  }
  return nullptr;
}

// --- C++ interface ---

tl::expected<std::string, SqsError> SqsService::create_queue(
    const std::string& account, const std::string& region, const std::string& name,
    const std::map<std::string, std::string>& attributes) {
  if (!valid_queue_name(name)) {
    return tl::unexpected(SqsError{
        400, "InvalidParameterValue",
        "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"});
  }
  auto settings = sqs_settings_with(SqsQueueSettings{}, attributes);
  if (!settings) return tl::unexpected(settings.error());
  const std::string arn = "arn:aws:sqs:" + region + ":" + account + ":" + name;
  std::lock_guard lock(mutex_);
  if (auto found = queues_.find(arn); found != queues_.end()) {
    if (!attributes.empty() && !sqs_settings_equal(found->second->settings(), *settings)) {
      return tl::unexpected(SqsError{
          400, "QueueAlreadyExists",
          "A queue already exists with the same name and a different value for an attribute"});
    }
    return found->second->url();
  }
  const std::string url = endpoint_ + "/" + account + "/" + name;
  queues_[arn] = std::make_unique<SqsQueue>(name, account, region, url, clock_.now(), *settings);
  return url;
}

tl::expected<std::string, SqsError> SqsService::send(const std::string& url_or_arn,
                                                     const std::string& body) {
  std::string id;
  {
    std::lock_guard lock(mutex_);
    SqsQueue* queue = find_locked(url_or_arn);
    if (queue == nullptr) return tl::unexpected(sqs_no_such_queue());
    if (auto bad = sqs_check_body(body, queue->settings()); !bad.empty()) {
      return tl::unexpected(SqsError{400, "InvalidParameterValue", bad});
    }
    id = new_id_locked();
    queue->push(id, body, clock_.now(), std::chrono::steady_clock::now());
  }
  changed_.notify_all();
  return id;
}

bool SqsService::send_to_arn(const std::string& arn, const std::string& body) {
  if (!arn.starts_with("arn:")) return false;
  return send(arn, body).has_value();
}

std::optional<std::string> SqsService::url_of(const std::string& url_or_arn) const {
  std::lock_guard lock(mutex_);
  const SqsQueue* queue = find_locked(url_or_arn);
  if (queue == nullptr) return std::nullopt;
  return queue->url();
}

std::optional<std::string> SqsService::arn_of(const std::string& url_or_arn) const {
  std::lock_guard lock(mutex_);
  const SqsQueue* queue = find_locked(url_or_arn);
  if (queue == nullptr) return std::nullopt;
  return queue->arn();
}

SqsQueueCounts SqsService::counts(const std::string& url_or_arn) const {
  std::lock_guard lock(mutex_);
  const SqsQueue* queue = find_locked(url_or_arn);
  return queue == nullptr ? SqsQueueCounts{} : queue->counts(std::chrono::steady_clock::now());
}

std::vector<std::string> SqsService::bodies(const std::string& url_or_arn) const {
  std::lock_guard lock(mutex_);
  const SqsQueue* queue = find_locked(url_or_arn);
  return queue == nullptr ? std::vector<std::string>{} : queue->bodies();
}

bool SqsService::wait_for_messages(const std::string& url_or_arn, size_t n,
                                   std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    const SqsQueue* queue = find_locked(url_or_arn);
    return queue != nullptr && queue->bodies().size() >= n;
  });
}

nlohmann::ordered_json SqsService::to_json() const {
  const SteadyTime now = std::chrono::steady_clock::now();
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  std::lock_guard lock(mutex_);
  for (const auto& [arn, queue] : queues_) {
    const SqsQueueCounts counts = queue->counts(now);
    list.push_back({{"url", queue->url()},
                    {"arn", arn},
                    {"visible", counts.visible},
                    {"in_flight", counts.in_flight},
                    {"delayed", counts.delayed},
                    {"moved_to_dead_letter", counts.moved_to_dead_letter}});
  }
  return {{"queues", std::move(list)}};
}

void SqsService::clear() {
  {
    std::lock_guard lock(mutex_);
    queues_.clear();
  }
  changed_.notify_all();
}

// --- API ---

Response SqsService::handle(const Caller& caller, const std::string& region,
                            const std::string& action, const Request& request,
                            const Params& params) {
  const SqsWire wire = sqs_wire_of(request);
  if (!is_sqs_action(action)) {
    return sqs_error(wire, 400, "InvalidAction",
                     "The action " + action + " is not valid for this endpoint.");
  }
  if (!caller.may("sqs", action)) {
    return sqs_error(wire, 403, "AccessDenied",
                     "User: " + caller.arn + " is not authorized to perform: sqs:" + action);
  }
  auto input = sqs_input(wire, request, params);
  if (!input) return sqs_error(wire, input.error());
  auto output = call(caller, region, action, *input);
  if (!output) return sqs_error(wire, output.error());
  return sqs_answer(wire, action, *output);
}

tl::expected<SqsQueue*, SqsError> SqsService::queue_for_locked(const Caller& caller,
                                                               const std::string& region,
                                                               const Json& input,
                                                               const std::string& action) {
  const std::string url = sqs_string(input, "QueueUrl");
  if (url.empty()) return tl::unexpected(sqs_missing("QueueUrl"));
  auto parts = parse_queue_url(url);
  if (!parts) {
    return tl::unexpected(SqsError{404, "InvalidAddress",
                                   "The address " + url + " is not valid for this endpoint."});
  }
  if (parts->first != caller.account_id) {
    return tl::unexpected(SqsError{403, "AccessDenied",
                                   "User: " + caller.arn + " is not authorized to perform: sqs:" +
                                       action + " on resource: arn:aws:sqs:" + region + ":" +
                                       parts->first + ":" + parts->second});
  }
  auto found = queues_.find("arn:aws:sqs:" + region + ":" + parts->first + ":" + parts->second);
  if (found == queues_.end()) return tl::unexpected(sqs_no_such_queue());
  return found->second.get();
}

SqsService::Output SqsService::call(const Caller& caller, const std::string& region,
                                    const std::string& action, const Json& input) {
  if (action == "CreateQueue") return create_queue_api(caller, region, input);
  if (action == "GetQueueUrl") return get_queue_url_api(caller, region, input);
  if (action == "ListQueues") return list_queues_api(caller, region, input);
  std::unique_lock lock(mutex_);
  auto queue = queue_for_locked(caller, region, input, action);
  if (!queue) return tl::unexpected(queue.error());
  SqsQueue& q = **queue;
  Output output;
  if (action == "GetQueueAttributes") return get_attributes_api(q, input);
  if (action == "SetQueueAttributes") return set_attributes_api(q, input);
  if (action == "ReceiveMessage") return receive_api(lock, q.arn(), input);
  if (action == "SendMessage") {
    output = send_api(q, input);
  } else if (action == "SendMessageBatch") {
    output = send_batch_api(q, input);
  } else if (action == "DeleteMessage") {
    return delete_api(q, input);
  } else if (action == "DeleteMessageBatch") {
    return delete_batch_api(q, input);
  } else if (action == "ChangeMessageVisibility") {
    output = change_visibility_api(q, input);
  } else if (action == "ChangeMessageVisibilityBatch") {
    output = change_visibility_batch_api(q, input);
  } else if (action == "PurgeQueue") {
    q.purge();
    output = nlohmann::ordered_json::object();
  } else {  // DeleteQueue
    queues_.erase(q.arn());
    output = nlohmann::ordered_json::object();
  }
  // A message may have become visible, or a queue gone: waiting receives look again.
  lock.unlock();
  changed_.notify_all();
  return output;
}

SqsService::Output SqsService::create_queue_api(const Caller& caller, const std::string& region,
                                                const Json& input) {
  const std::string name = sqs_string(input, "QueueName");
  if (name.empty()) return tl::unexpected(sqs_missing("QueueName"));
  auto attributes = sqs_string_map(input, "Attributes");
  if (!attributes) return tl::unexpected(attributes.error());
  auto url = create_queue(caller.account_id, region, name, *attributes);
  if (!url) return tl::unexpected(url.error());
  return nlohmann::ordered_json{{"QueueUrl", *url}};
}

SqsService::Output SqsService::get_queue_url_api(const Caller& caller, const std::string& region,
                                                 const Json& input) {
  const std::string name = sqs_string(input, "QueueName");
  if (name.empty()) return tl::unexpected(sqs_missing("QueueName"));
  std::string account = sqs_string(input, "QueueOwnerAWSAccountId");
  if (account.empty()) account = caller.account_id;
  if (account != caller.account_id) {
    return tl::unexpected(SqsError{403, "AccessDenied",
                                   "Access to the queues of account " + account + " is denied."});
  }
  std::lock_guard lock(mutex_);
  auto found = queues_.find("arn:aws:sqs:" + region + ":" + account + ":" + name);
  if (found == queues_.end()) return tl::unexpected(sqs_no_such_queue());
  return nlohmann::ordered_json{{"QueueUrl", found->second->url()}};
}

SqsService::Output SqsService::list_queues_api(const Caller& caller, const std::string& region,
                                               const Json& input) {
  const std::string prefix = sqs_string(input, "QueueNamePrefix");
  auto max = sqs_int(input, "MaxResults", 1, 1000);
  if (!max) return tl::unexpected(max.error());
  const std::string next = sqs_string(input, "NextToken");
  nlohmann::ordered_json urls = nlohmann::ordered_json::array();
  nlohmann::ordered_json output = nlohmann::ordered_json::object();
  std::lock_guard lock(mutex_);
  // The token is the ARN to continue after: queues are listed in ARN order. Without
  // MaxResults SQS answers up to 1000 and no token.
  const size_t limit = static_cast<size_t>(max->value_or(1000));
  std::string last;
  for (auto it = next.empty() ? queues_.begin() : queues_.upper_bound(next); it != queues_.end();
       ++it) {
    const SqsQueue& queue = *it->second;
    if (queue.account() != caller.account_id || queue.region() != region ||
        !queue.name().starts_with(prefix)) {
      continue;
    }
    if (urls.size() == limit) {
      if (max->has_value()) output["NextToken"] = last;
      break;
    }
    urls.push_back(queue.url());
    last = it->first;
  }
  if (urls.empty()) return output;
  nlohmann::ordered_json ordered = {{"QueueUrls", urls}};
  if (output.contains("NextToken")) ordered["NextToken"] = output["NextToken"];
  return ordered;
}

SqsService::Output SqsService::get_attributes_api(SqsQueue& queue, const Json& input) {
  auto names = sqs_string_list(input, "AttributeNames");
  if (!names) return tl::unexpected(names.error());
  const SqsQueueSettings& settings = queue.settings();
  const SqsQueueCounts counts = queue.counts(std::chrono::steady_clock::now());
  nlohmann::ordered_json all = {
      {"QueueArn", queue.arn()},
      {"ApproximateNumberOfMessages", std::to_string(counts.visible)},
      {"ApproximateNumberOfMessagesNotVisible", std::to_string(counts.in_flight)},
      {"ApproximateNumberOfMessagesDelayed", std::to_string(counts.delayed)},
      {"CreatedTimestamp", epoch_seconds(queue.created())},
      {"LastModifiedTimestamp", epoch_seconds(queue.last_modified())},
      {"VisibilityTimeout", std::to_string(settings.visibility_timeout)},
      {"MaximumMessageSize", std::to_string(settings.maximum_message_size)},
      {"MessageRetentionPeriod", std::to_string(settings.message_retention_period)},
      {"DelaySeconds", std::to_string(settings.delay_seconds)},
      {"ReceiveMessageWaitTimeSeconds", std::to_string(settings.receive_message_wait_time)},
      {"SqsManagedSseEnabled", "false"}};
  if (!settings.redrive_policy.empty()) all["RedrivePolicy"] = settings.redrive_policy;
  nlohmann::ordered_json chosen = nlohmann::ordered_json::object();
  for (const std::string& name : *names) {
    if (name == "All") {
      chosen = all;
      break;
    }
    if (all.contains(name)) {
      chosen[name] = all[name];
    } else if (name != "RedrivePolicy" && name != "Policy" && name != "RedriveAllowPolicy") {
      return tl::unexpected(SqsError{400, "InvalidAttributeName", "Unknown Attribute " + name + "."});
    }
  }
  if (chosen.empty()) return nlohmann::ordered_json::object();
  return nlohmann::ordered_json{{"Attributes", chosen}};
}

SqsService::Output SqsService::set_attributes_api(SqsQueue& queue, const Json& input) {
  auto attributes = sqs_string_map(input, "Attributes");
  if (!attributes) return tl::unexpected(attributes.error());
  if (attributes->empty()) return tl::unexpected(sqs_missing("Attribute.1.Name"));
  auto settings = sqs_settings_with(queue.settings(), *attributes);
  if (!settings) return tl::unexpected(settings.error());
  queue.set_settings(*settings, clock_.now());
  return nlohmann::ordered_json::object();
}

}  // namespace sgwatch::emulator
