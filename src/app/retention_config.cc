#include "app/retention_config.h"

#include <string>

#include "core/duration.h"

namespace sgwatch {
namespace {

constexpr char kForever[] = "forever";

struct AgeKey {
  const char* name;
  const char* fallback;
  std::optional<std::chrono::milliseconds> RetentionPolicy::*field;
  const char* description;
};

const AgeKey kAgeKeys[] = {
    {"revisions", "400d", &RetentionPolicy::revisions,
     "How long revisions of groups are kept, with their changes. A group's latest revision "
     "always stays (the next cycle diffs against it), and so does any revision a pending "
     "change or alert needs; a deleted group goes once its deletion is this old."},
    {"events", "90d", &RetentionPolicy::events,
     "How long CloudTrail records and event-intake bookkeeping (SNS message ids, at least 30 "
     "days; AWS Config states of groups gone) are kept. Records a pending change may still "
     "be attributed to stay."},
    {"delivered_alerts", "30d", &RetentionPolicy::delivered_alerts,
     "How long delivered and given-up alerts stay in the outbox (`sgwatch outbox --all`). "
     "Pending alerts always stay."},
    {"snapshots", "forever", &RetentionPolicy::snapshots,
     "How long the snapshot record of an account and region no longer observed is kept. "
     "Once it goes, the next observation of that scope is a new baseline."},
};

std::string check_age(const ConfigValue& value) {
  auto parsed = parse_retention_age(as_text(value));
  return parsed ? "" : parsed.error().message;
}

}  // namespace

Result<std::optional<std::chrono::milliseconds>> parse_retention_age(std::string_view text) {
  if (text == kForever) return std::optional<std::chrono::milliseconds>();
  auto age = parse_duration(text);
  if (!age) {
    return invalid("'" + std::string(text) + "' is neither a duration (like 400d) nor \"" +
                   kForever + "\"");
  }
  if (*age < kShortestRetention) {
    return invalid("'" + std::string(text) +
                   "' is under a day, which would remove what sgwatch still reads; \"" +
                   kForever + "\" keeps everything");
  }
  return std::optional<std::chrono::milliseconds>(*age);
}

KeySchema retention_config_schema() {
  std::vector<KeySchema> keys;
  for (const AgeKey& age : kAgeKeys) {
    KeySchema key = string_key(
        age.name, std::string(age.description) + " A duration of a day or more, or `forever`.",
        age.fallback);
    key.check = check_age;
    keys.push_back(std::move(key));
  }
  return table_key("retention",
                   "Retention: what the store lets go, pruned daily by `sgwatch watch` and on "
                   "demand by `sgwatch prune`.",
                   std::move(keys));
}

Result<RetentionPolicy> retention_policy_from(const ConfigTable& root) {
  const ConfigTable& table = root.table("retention");
  RetentionPolicy policy;
  for (const AgeKey& age : kAgeKeys) {
    auto parsed = parse_retention_age(table.string(age.name).value_or(age.fallback));
    if (!parsed) {
      return tl::unexpected(parsed.error().within(table.where(age.name).str() +
                                                  ": [retention] " + age.name));
    }
    policy.*age.field = *parsed;
  }
  return policy;
}

}  // namespace sgwatch
