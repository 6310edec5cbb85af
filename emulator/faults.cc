#include "emulator/faults.h"

namespace sgwatch::emulator {

tl::expected<FaultRule, std::string> fault_from_json(const nlohmann::json& json) {
  if (!json.is_object()) return tl::unexpected(std::string("a fault must be a JSON object"));
  FaultRule rule;
  const std::string kind = json.value("kind", "");
  if (kind == "throttle") {
    rule.kind = FaultKind::kThrottle;
  } else if (kind == "server-error") {
    rule.kind = FaultKind::kServerError;
  } else if (kind == "slow") {
    rule.kind = FaultKind::kSlow;
  } else if (kind == "drop") {
    rule.kind = FaultKind::kDrop;
  } else if (kind == "truncate") {
    rule.kind = FaultKind::kTruncate;
  } else {
    return tl::unexpected("unknown fault kind '" + kind +
                          "' (expected throttle, server-error, slow, drop or truncate)");
  }
  try {
    rule.service = json.value("service", "");
    rule.action = json.value("action", "");
    rule.rate = json.value("rate", 0.0);
    rule.nth = json.value("nth", 0);
    rule.times = json.value("times", -1);
    rule.delay = std::chrono::milliseconds(json.value("delay_ms", 0));
  } catch (const nlohmann::json::exception& e) {
    return tl::unexpected(std::string("a fault field has the wrong type: ") + e.what());
  }
  if (rule.rate < 0 || rule.rate > 1) {
    return tl::unexpected(std::string("rate must be between 0 and 1"));
  }
  if (rule.nth < 0) return tl::unexpected(std::string("nth must be 1 or more"));
  if (rule.nth == 0 && rule.rate == 0) {
    return tl::unexpected(std::string("a fault needs a rate (0-1] or an nth call to fire on"));
  }
  return rule;
}

Faults::Faults(uint64_t seed) : random_(seed != 0 ? seed : std::random_device()()) {}

void Faults::add(FaultRule rule) {
  std::lock_guard lock(mutex_);
  rules_.push_back(Active{std::move(rule)});
}

void Faults::clear() {
  std::lock_guard lock(mutex_);
  rules_.clear();
}

std::optional<FaultRule> Faults::pick(const std::string& service, const std::string& action) {
  std::lock_guard lock(mutex_);
  std::optional<FaultRule> chosen;
  for (Active& active : rules_) {
    const FaultRule& rule = active.rule;
    if ((!rule.service.empty() && rule.service != service) ||
        (!rule.action.empty() && rule.action != action)) {
      continue;
    }
    ++active.matched;
    if (chosen || (rule.times >= 0 && active.fired >= rule.times)) continue;
    bool fire = rule.nth > 0 ? active.matched >= rule.nth
                             : std::uniform_real_distribution<double>(0, 1)(random_) < rule.rate;
    if (fire) {
      ++active.fired;
      chosen = rule;
    }
  }
  return chosen;
}

}  // namespace sgwatch::emulator
