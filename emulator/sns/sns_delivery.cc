#include "emulator/sns/sns_delivery.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <utility>

namespace sgwatch::emulator {
namespace {

// The pause before each retry; the number of attempts is one more than this.
constexpr std::chrono::milliseconds kBackoff[] = {std::chrono::milliseconds(50),
                                                  std::chrono::milliseconds(200)};

// "http://host:port/path?query" -> ("http://host:port", "/path?query").
std::pair<std::string, std::string> split_url(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (path == std::string::npos) return {url, "/"};
  return {url.substr(0, path), url.substr(path)};
}

bool retryable(int status) { return status == 0 || status >= 500; }

}  // namespace

SnsDeliverer::SnsDeliverer() : thread_([this] { run(); }) {}

SnsDeliverer::~SnsDeliverer() { stop(); }

void SnsDeliverer::enqueue(SnsOutgoing message) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    queue_.push_back(std::move(message));
  }
  changed_.notify_all();
}

std::vector<SnsDelivery> SnsDeliverer::deliveries() const {
  std::lock_guard lock(mutex_);
  return deliveries_;
}

void SnsDeliverer::clear() {
  std::lock_guard lock(mutex_);
  deliveries_.clear();
}

bool SnsDeliverer::wait_for(size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return deliveries_.size() >= n; });
}

void SnsDeliverer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    queue_.clear();
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

int SnsDeliverer::post(const SnsOutgoing& message) {
  auto [base, path] = split_url(message.endpoint);
  httplib::Client client(base);
  if (!client.is_valid()) return 0;
  client.set_connection_timeout(std::chrono::seconds(2));
  client.set_read_timeout(std::chrono::seconds(5));
  client.set_keep_alive(false);
  // Endpoints under test use self-signed certificates; real SNS would insist on a chain.
  client.enable_server_certificate_verification(false);
  httplib::Headers headers = {
      {"x-amz-sns-message-type", message.message_type},
      {"x-amz-sns-message-id", message.message_id},
      {"x-amz-sns-topic-arn", message.topic_arn},
      {"User-Agent", "Amazon Simple Notification Service Agent"},
  };
  if (message.subscription_header) {
    headers.emplace("x-amz-sns-subscription-arn", message.subscription_arn);
  }
  auto result = client.Post(path, headers, message.body, "text/plain; charset=UTF-8");
  return result ? result->status : 0;
}

void SnsDeliverer::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    SnsOutgoing message = std::move(queue_.front());
    queue_.pop_front();
    for (int attempt = 1;; ++attempt) {
      lock.unlock();
      const int status = post(message);
      lock.lock();
      deliveries_.push_back(SnsDelivery{message.subscription_arn, message.endpoint,
                                        message.message_type, message.message_id, status,
                                        attempt});
      changed_.notify_all();
      if (!retryable(status)) break;
      if (attempt > static_cast<int>(std::size(kBackoff))) {
        spdlog::warn("The emulator's SNS gave up delivering message '{}' to '{}' after {} "
                     "attempts.", message.message_id, message.endpoint, attempt);
        break;
      }
      // Waits on the condition so that stop() need not sit out the backoff.
      if (changed_.wait_for(lock, kBackoff[attempt - 1], [this] { return stopping_; })) return;
    }
  }
}

}  // namespace sgwatch::emulator
