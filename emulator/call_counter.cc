#include "emulator/call_counter.h"

#include <fmt/format.h>

namespace sgwatch::emulator {
namespace {

std::string key_of(std::string_view service, std::string_view action) {
  return fmt::format("{}:{}", service, action);
}

}  // namespace

void CallCounter::count(std::string_view service, std::string_view action) {
  std::string key = key_of(service, action);
  std::lock_guard lock(mutex_);
  ++counts_[std::move(key)];
  ++total_;
}

uint64_t CallCounter::calls(std::string_view service, std::string_view action) const {
  const std::string key = key_of(service, action);
  std::lock_guard lock(mutex_);
  auto found = counts_.find(key);
  return found == counts_.end() ? 0 : found->second;
}

uint64_t CallCounter::total() const {
  std::lock_guard lock(mutex_);
  return total_;
}

std::map<std::string, uint64_t> CallCounter::by_action() const {
  std::lock_guard lock(mutex_);
  return {counts_.begin(), counts_.end()};
}

void CallCounter::reset() {
  std::lock_guard lock(mutex_);
  counts_.clear();
  total_ = 0;
}

nlohmann::json CallCounter::to_json() const {
  std::lock_guard lock(mutex_);
  nlohmann::json calls = nlohmann::json::object();
  for (const auto& [key, count] : counts_) calls[key] = count;
  return {{"calls", std::move(calls)}, {"total", total_}};
}

}  // namespace sgwatch::emulator
