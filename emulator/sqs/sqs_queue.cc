#include "emulator/sqs/sqs_queue.h"

#include <openssl/evp.h>

#include <algorithm>

namespace sgwatch::emulator {

std::string sqs_md5_hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_md5(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0f];
  }
  return out;
}

SqsQueue::SqsQueue(std::string name, std::string account, std::string region, std::string url,
                   Timestamp created, SqsQueueSettings settings)
    : name_(std::move(name)),
      account_(std::move(account)),
      region_(std::move(region)),
      url_(std::move(url)),
      created_(created),
      last_modified_(created),
      settings_(std::move(settings)) {}

std::string SqsQueue::arn() const {
  return "arn:aws:sqs:" + region_ + ":" + account_ + ":" + name_;
}

void SqsQueue::set_settings(SqsQueueSettings settings, Timestamp now) {
  settings_ = std::move(settings);
  last_modified_ = now;
}

const SqsMessage& SqsQueue::push(std::string id, std::string body, Timestamp now,
                                 SteadyTime steady, std::optional<int> delay) {
  SqsMessage message;
  message.sequence = next_sequence_++;
  message.id = std::move(id);
  message.md5_of_body = sqs_md5_hex(body);
  message.body = std::move(body);
  message.sent_at = now;
  message.sent_steady = steady;
  message.visible_at = steady + std::chrono::seconds(delay.value_or(settings_.delay_seconds));
  return messages_.emplace(message.sequence, std::move(message)).first->second;
}

void SqsQueue::adopt(SqsMessage message, SteadyTime steady) {
  message.sequence = next_sequence_++;
  message.visible_at = steady;
  message.receive_count = 0;
  message.first_received_at.reset();
  message.receipt_handle.clear();
  messages_.emplace(message.sequence, std::move(message));
}

void SqsQueue::expire(SteadyTime steady) {
  const auto retention = std::chrono::seconds(settings_.message_retention_period);
  std::erase_if(messages_, [&](const auto& entry) {
    return entry.second.sent_steady + retention <= steady;
  });
}

std::vector<SqsMessage> SqsQueue::receive(size_t max, std::chrono::seconds visibility,
                                          Timestamp now, SteadyTime steady, bool redrive,
                                          const std::function<std::string()>& new_handle,
                                          std::vector<SqsMessage>& dead_letters) {
  expire(steady);
  std::vector<SqsMessage> out;
  for (auto it = messages_.begin(); it != messages_.end() && out.size() < max;) {
    SqsMessage& message = it->second;
    if (message.visible_at > steady) {
      ++it;
      continue;
    }
    // SQS moves a message on the receive that would exceed maxReceiveCount.
    if (redrive && settings_.max_receive_count > 0 &&
        message.receive_count >= settings_.max_receive_count) {
      dead_letters.push_back(std::move(message));
      it = messages_.erase(it);
      ++moved_to_dead_letter_;
      continue;
    }
    ++message.receive_count;
    if (!message.first_received_at) message.first_received_at = now;
    message.visible_at = steady + visibility;
    message.receipt_handle = new_handle();
    handles_[message.receipt_handle] = message.sequence;
    out.push_back(message);
    ++it;
  }
  return out;
}

SqsHandle SqsQueue::classify(const std::string& handle) const {
  auto known = handles_.find(handle);
  if (known == handles_.end()) return SqsHandle::kUnknown;
  auto message = messages_.find(known->second);
  if (message == messages_.end()) return SqsHandle::kGone;
  return message->second.receipt_handle == handle ? SqsHandle::kCurrent : SqsHandle::kStale;
}

SqsHandle SqsQueue::erase(const std::string& handle) {
  const SqsHandle kind = classify(handle);
  if (kind == SqsHandle::kCurrent) messages_.erase(handles_.at(handle));
  return kind;
}

SqsHandle SqsQueue::change_visibility(const std::string& handle, std::chrono::seconds timeout,
                                      SteadyTime steady) {
  const SqsHandle kind = classify(handle);
  if (kind == SqsHandle::kCurrent) messages_.at(handles_.at(handle)).visible_at = steady + timeout;
  return kind;
}

void SqsQueue::purge() { messages_.clear(); }

SqsQueueCounts SqsQueue::counts(SteadyTime steady) const {
  SqsQueueCounts counts;
  counts.moved_to_dead_letter = moved_to_dead_letter_;
  for (const auto& [sequence, message] : messages_) {
    if (message.visible_at <= steady) {
      ++counts.visible;
    } else if (message.receive_count == 0) {
      ++counts.delayed;
    } else {
      ++counts.in_flight;
    }
  }
  return counts;
}

std::optional<SteadyTime> SqsQueue::next_visible_after(SteadyTime steady) const {
  std::optional<SteadyTime> next;
  for (const auto& [sequence, message] : messages_) {
    if (message.visible_at > steady && (!next || message.visible_at < *next)) {
      next = message.visible_at;
    }
  }
  return next;
}

std::vector<std::string> SqsQueue::bodies() const {
  std::vector<std::string> out;
  out.reserve(messages_.size());
  for (const auto& [sequence, message] : messages_) out.push_back(message.body);
  return out;
}

}  // namespace sgwatch::emulator
