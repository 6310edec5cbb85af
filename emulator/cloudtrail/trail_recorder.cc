#include "emulator/cloudtrail/trail_recorder.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace sgwatch::emulator {
namespace {

// Newest first: later eventTime, then later recording.
bool newer(const TrailEventPtr& a, const TrailEventPtr& b) {
  if (a->event_time != b->event_time) return a->event_time > b->event_time;
  return a->sequence > b->sequence;
}

void trim_to(std::deque<TrailEventPtr>& events, size_t cap) {
  while (events.size() > cap) events.pop_front();
}

}  // namespace

TrailRecorder::TrailRecorder(const Clock& clock, uint64_t seed)
    // A seed of its own, so that event ids do not move with the EC2 ids drawn from `seed`.
    : clock_(clock), random_(seed != 0 ? seed ^ 0x7472'6169'6c00'0000ULL : std::random_device()()) {}

std::string TrailRecorder::new_event_id() {
  const uint64_t high = random_();
  const uint64_t low = random_();
  // A version 4 UUID: the version nibble 4, the variant bits 10.
  return fmt::format("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", high >> 32, (high >> 16) & 0xffff,
                     high & 0x0fff, ((low >> 48) & 0x3fff) | 0x8000, low & 0xffff'ffff'ffffULL);
}

std::string TrailRecorder::record(const MutationRecord& call) {
  const Timestamp now = clock_.now();
  std::string id;
  {
    std::lock_guard lock(mutex_);
    if (!settings_.recording || (call.read_only && !settings_.read_only_events)) return "";
    id = new_event_id();
  }
  // The record is built outside the lock: concurrent calls need not wait for each other.
  auto event = std::make_shared<TrailEvent>(
      trail_event(call, std::chrono::floor<std::chrono::seconds>(now), id));
  std::lock_guard lock(mutex_);
  event->sequence = next_sequence_++;
  event->delivered_at = now + settings_.delivery_delay;
  (call.read_only ? reads_ : writes_).push_back(std::move(event));
  trim();
  return id;
}

void TrailRecorder::trim() {
  trim_to(reads_, settings_.max_read_only_events);
  trim_to(writes_, settings_.max_write_events);
}

TrailSettings TrailRecorder::settings() const {
  std::lock_guard lock(mutex_);
  return settings_;
}

void TrailRecorder::set_recording(bool on) {
  std::lock_guard lock(mutex_);
  settings_.recording = on;
}

void TrailRecorder::set_delivery_delay(std::chrono::seconds delay) {
  std::lock_guard lock(mutex_);
  settings_.delivery_delay = delay;
}

void TrailRecorder::set_read_only_events(bool on) {
  std::lock_guard lock(mutex_);
  settings_.read_only_events = on;
}

void TrailRecorder::set_lookup_rate_limit(bool on) {
  std::lock_guard lock(mutex_);
  settings_.lookup_rate_limit = on;
}

void TrailRecorder::apply(const TrailSettings& settings) {
  std::lock_guard lock(mutex_);
  settings_ = settings;
  trim();
}

TrailEventPtr TrailRecorder::find(const std::string& event_id) const {
  std::lock_guard lock(mutex_);
  for (const auto* events : {&writes_, &reads_}) {
    for (auto it = events->rbegin(); it != events->rend(); ++it) {
      if ((*it)->event_id == event_id) return *it;
    }
  }
  return nullptr;
}

std::vector<TrailEventPtr> TrailRecorder::events() const {
  std::lock_guard lock(mutex_);
  std::vector<TrailEventPtr> out(writes_.begin(), writes_.end());
  out.insert(out.end(), reads_.begin(), reads_.end());
  std::sort(out.begin(), out.end(),
            [](const TrailEventPtr& a, const TrailEventPtr& b) { return a->sequence < b->sequence; });
  return out;
}

std::vector<TrailEventPtr> TrailRecorder::delivered(
    const std::function<bool(const TrailEvent&)>& wanted) const {
  const Timestamp now = clock_.now();
  std::vector<TrailEventPtr> out;
  {
    std::lock_guard lock(mutex_);
    for (const auto* events : {&writes_, &reads_}) {
      for (const TrailEventPtr& event : *events) {
        if (event->delivered_at <= now && wanted(*event)) out.push_back(event);
      }
    }
  }
  std::sort(out.begin(), out.end(), newer);
  return out;
}

void TrailRecorder::clear() {
  std::lock_guard lock(mutex_);
  writes_.clear();
  reads_.clear();
  lookups_.clear();
}

bool TrailRecorder::admit_lookup(const std::string& account, const std::string& region) {
  const Timestamp now = clock_.now();
  std::lock_guard lock(mutex_);
  return !settings_.lookup_rate_limit || lookups_.admit(account + "/" + region, now);
}

nlohmann::ordered_json TrailRecorder::to_json() const {
  const Timestamp now = clock_.now();
  nlohmann::ordered_json records = nlohmann::ordered_json::array();
  nlohmann::ordered_json pending = nlohmann::ordered_json::array();
  for (const TrailEventPtr& event : events()) {
    records.push_back(event->record);
    if (event->delivered_at > now) pending.push_back(event->event_id);
  }
  return {{"settings", trail_settings_to_json(settings())},
          {"Records", std::move(records)},
          {"undelivered", std::move(pending)}};
}

nlohmann::ordered_json trail_settings_to_json(const TrailSettings& settings) {
  return {{"recording", settings.recording},
          {"delivery_delay_seconds", settings.delivery_delay.count()},
          {"read_only_events", settings.read_only_events},
          {"max_read_only_events", settings.max_read_only_events},
          {"max_write_events", settings.max_write_events},
          {"lookup_rate_limit", settings.lookup_rate_limit}};
}

tl::expected<TrailSettings, std::string> trail_settings_from_json(const nlohmann::json& body,
                                                                  TrailSettings settings) {
  if (!body.is_object()) return tl::unexpected(std::string("the body must be a JSON object"));
  for (const auto& [key, value] : body.items()) {
    const bool flag = key == "recording" || key == "read_only_events" ||
                      key == "lookup_rate_limit";
    if (flag) {
      if (!value.is_boolean()) return tl::unexpected(key + ": must be true or false");
      bool on = value.get<bool>();
      if (key == "recording") settings.recording = on;
      if (key == "read_only_events") settings.read_only_events = on;
      if (key == "lookup_rate_limit") settings.lookup_rate_limit = on;
      continue;
    }
    if (key == "delivery_delay_seconds" || key == "max_read_only_events" ||
        key == "max_write_events") {
      if (!value.is_number_integer() || value.get<int64_t>() < 0) {
        return tl::unexpected(key + ": must be a whole number, 0 or more");
      }
      const int64_t number = value.get<int64_t>();
      if (key == "delivery_delay_seconds") settings.delivery_delay = std::chrono::seconds(number);
      if (key == "max_read_only_events") settings.max_read_only_events = number;
      if (key == "max_write_events") settings.max_write_events = number;
      continue;
    }
    return tl::unexpected("unknown setting: " + key);
  }
  return settings;
}

}  // namespace sgwatch::emulator
