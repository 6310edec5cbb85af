#include "app/sqs_consumer.h"

#include <map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace sgwatch {
namespace {

// Keeps the unfinished messages of a batch invisible while it is handled: every half
// visibility timeout, their visibility is set to the full timeout again. A message whose
// handling outlasts a timeout would otherwise be received, and handled, a second time.
class VisibilityKeeper {
 public:
  VisibilityKeeper(SqsApi& sqs, const AwsCredentials& credentials, const SqsQueue& queue,
                   std::chrono::seconds visibility, std::chrono::milliseconds every,
                   std::map<std::string, SqsEntry> entries, std::atomic<uint64_t>& extensions)
      : sqs_(sqs),
        credentials_(credentials),
        queue_(queue),
        visibility_(visibility),
        every_(every.count() > 0 ? every
                                 : std::max<std::chrono::milliseconds>(visibility / 2,
                                                                       std::chrono::seconds(1))),
        entries_(std::move(entries)),
        extensions_(extensions),
        thread_([this] { run(); }) {}

  ~VisibilityKeeper() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

  void finished(const std::string& id) {
    std::lock_guard lock(mutex_);
    entries_.erase(id);
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, every_, [this] { return done_; })) {
      if (entries_.empty()) continue;
      std::vector<SqsEntry> entries;
      for (const auto& [id, entry] : entries_) entries.push_back(entry);
      lock.unlock();
      auto changed = sqs_.change_visibility(credentials_, queue_, entries, visibility_);
      ++extensions_;
      if (!changed) {
        spdlog::warn("Could not extend the visibility of {} message(s) of queue {}: {}",
                     entries.size(), queue_.name(), changed.error().message);
      } else {
        for (const SqsBatchFailure& failure : *changed) {
          spdlog::warn("Could not extend the visibility of message {} of queue {}: {} {}",
                       failure.id, queue_.name(), failure.code, failure.message);
        }
      }
      lock.lock();
    }
  }

  SqsApi& sqs_;
  const AwsCredentials& credentials_;
  const SqsQueue& queue_;
  const std::chrono::seconds visibility_;
  const std::chrono::milliseconds every_;
  std::map<std::string, SqsEntry> entries_;  // by batch entry id; guarded by mutex_
  std::atomic<uint64_t>& extensions_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread thread_;  // last: starts once the rest is set
};

}  // namespace

SqsConsumer::SqsConsumer(SqsApi& poll, SqsApi& control, CredentialProvider& credentials,
                         SqsQueue queue, SqsConsumerOptions options, Handle handle,
                         std::function<void()> on_recorded)
    : poll_(poll),
      control_(control),
      credentials_(credentials),
      queue_(std::move(queue)),
      options_(options),
      handle_(std::move(handle)),
      on_recorded_(std::move(on_recorded)) {
  if (options_.metrics == nullptr || options_.clock == nullptr) return;
  messages_counted_ = &options_.metrics->counter(
      "sgwatch_sqs_messages_total",
      "SQS messages handled, by queue and disposition: done (deleted), retry (left to come "
      "again) or poison (left for the dead-letter queue).",
      {"queue", "disposition"});
  for (Disposition disposition : {Disposition::kDone, Disposition::kRetry, Disposition::kPoison}) {
    messages_counted_->with({queue_.name(), to_string(disposition)});
  }
  message_age_ = &options_.metrics
                      ->gauge("sgwatch_sqs_message_age_seconds",
                              "How long the last message handled from the queue had waited "
                              "since it was sent (SentTimestamp), when it was handled: the "
                              "queue's lag.",
                              {"queue"})
                      .with({queue_.name()});
}

void SqsConsumer::count(const SqsMessage& message, Disposition disposition) {
  if (messages_counted_ == nullptr) return;
  messages_counted_->with({queue_.name(), to_string(disposition)}).inc();
  if (message.sent_at) {
    message_age_->set(std::max(0.0, std::chrono::duration<double>(options_.clock->now() -
                                                                   *message.sent_at)
                                        .count()));
  }
}

SqsConsumer::~SqsConsumer() {
  stop();
  join();
}

void SqsConsumer::start() { thread_ = std::thread([this] { run(); }); }

void SqsConsumer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
}

void SqsConsumer::join() {
  if (thread_.joinable()) thread_.join();
}

std::string SqsConsumer::source_of(const SqsMessage& message) const {
  return fmt::format("SQS message {} of queue {}", message.message_id, queue_.name());
}

void SqsConsumer::run() {
  spdlog::info("Reading SQS queue {} ({}).", queue_.name(), queue_.region.str());
  while (!stopping_) {
    if (poll_once()) continue;
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, options_.error_backoff, [this] { return stopping_.load(); });
  }
  spdlog::info("Stopped reading SQS queue {}.", queue_.name());
}

bool SqsConsumer::poll_once() {
  auto credentials = credentials_.credentials();
  if (!credentials) {
    ++counts_.receive_errors;
    spdlog::warn("No credentials to read SQS queue {}: {}", queue_.name(),
                 credentials.error().message);
    return false;
  }
  auto messages = poll_.receive(*credentials, queue_, options_.receive);
  if (!messages) {
    if (stopping_ && messages.error().code == ErrorCode::kCancelled) return true;
    ++counts_.receive_errors;
    spdlog::warn("Could not read SQS queue {}: {}", queue_.name(), messages.error().message);
    return false;
  }
  ++counts_.receives;
  if (messages->empty()) return true;
  counts_.received += messages->size();

  std::map<std::string, SqsEntry> entries;
  for (size_t i = 0; i < messages->size(); ++i) {
    entries.emplace(std::to_string(i), SqsEntry{std::to_string(i), (*messages)[i].receipt_handle});
  }
  std::vector<SqsEntry> done;
  {
    VisibilityKeeper keeper(control_, *credentials, queue_, options_.receive.visibility,
                            options_.extend_every, entries, counts_.extensions);
    for (size_t i = 0; i < messages->size(); ++i) {
      const SqsMessage& message = (*messages)[i];
      const std::string id = std::to_string(i);
      if (stopping_) break;  // left: it comes back after its visibility timeout
      const std::string source = source_of(message);
      const HandledMessage handled = handle_(message.body, source);
      count(message, handled.disposition);
      // A message done with stays hidden until its delete; one left goes back to the queue
      // after its timeout, no longer extended.
      if (handled.disposition != Disposition::kDone) keeper.finished(id);
      // The alerts are in the outbox (committed with the revision): deliver them now,
      // not after the rest of the batch.
      if (handled.recorded && on_recorded_) on_recorded_();
      if (message.sent_at) {
        counts_.last_sent_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   message.sent_at->time_since_epoch())
                                   .count();
      }
      switch (handled.disposition) {
        case Disposition::kDone:
          spdlog::debug("{}: {}", source, handled.what);
          done.push_back(entries.at(id));
          break;
        case Disposition::kRetry:
          ++counts_.left;
          spdlog::warn("{} (received {} time(s)) will come again: {}", source,
                       message.receive_count, handled.what);
          break;
        case Disposition::kPoison:
          ++counts_.left;
          spdlog::error("{} (received {} time(s)) is poison, left for the queue's dead-letter "
                        "queue: {}",
                        source, message.receive_count, handled.what);
          break;
      }
    }
  }
  // A message goes only once what it brought is in the store.
  if (!done.empty()) {
    auto failures = control_.delete_messages(*credentials, queue_, done);
    if (!failures) {
      counts_.delete_errors += done.size();
      spdlog::warn("Could not delete {} handled message(s) of SQS queue {} (they come again, "
                   "and change nothing): {}",
                   done.size(), queue_.name(), failures.error().message);
    } else {
      counts_.deleted += done.size() - failures->size();
      counts_.delete_errors += failures->size();
      for (const SqsBatchFailure& failure : *failures) {
        spdlog::warn("Could not delete message {} of SQS queue {}: {} {}", failure.id,
                     queue_.name(), failure.code, failure.message);
      }
    }
  }
  return true;
}

}  // namespace sgwatch
