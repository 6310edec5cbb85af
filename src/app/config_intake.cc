#include "app/config_intake.h"

#include <charconv>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "sources/config_notification.h"

namespace sgwatch {
namespace {

// configurationStateId as a number: they grow with each state of a resource.
std::optional<int64_t> state_number(const std::string& text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

ConfigIntake::ConfigIntake(Observer& observer, ConfigApi& config)
    : observer_(observer), config_(config) {}

Result<ConfigIntakeResult> ConfigIntake::take(std::string_view message, std::string_view source,
                                              Trust trust) {
  auto notification = parse_config_notification(message, source);
  if (!notification) return tl::unexpected(notification.error());

  switch (notification->kind) {
    case ConfigMessageKind::kOther:
      ++counts_.other_message;
      return ConfigIntakeResult{"skipped: a " + notification->message_type};
    case ConfigMessageKind::kItemChange:
      if (!notification->item) {
        ++counts_.other_resource;
        return ConfigIntakeResult{"skipped: an item of " + notification->resource_type};
      }
      // Config re-records resources periodically; such an item changes nothing.
      if (notification->change_type == "UPDATE" && notification->changed_properties == 0) {
        ++counts_.empty_update;
        return ConfigIntakeResult{"skipped: " + notification->item->group.str() +
                                  " re-recorded with no change"};
      }
      return take_item(*notification->item, source, trust);
    case ConfigMessageKind::kOversizedItemChange: {
      const ConfigItemSummary& summary = *notification->summary;
      if (summary.resource_type != kSecurityGroupResourceType) {
        ++counts_.other_resource;
        return ConfigIntakeResult{"skipped: an oversized item of " + summary.resource_type};
      }
      auto group = GroupId::parse(summary.resource_id);
      if (!group) {
        return invalid(fmt::format("{}: configurationItemSummary.resourceId: {}", source,
                                   group.error().message));
      }
      CredentialProvider* provider = observer_.credentials_of(summary.account);
      if (provider == nullptr) {
        ++counts_.not_observed;
        return ConfigIntakeResult{"skipped: account " + summary.account.str() +
                                  " is not observed"};
      }
      auto credentials = provider->credentials();
      if (!credentials) return tl::unexpected(credentials.error());
      // Too large for SNS: the notification names the item, Config's history holds it.
      auto item = config_.latest_item(*credentials, summary.region, *group);
      if (!item) return tl::unexpected(item.error().within("GetResourceConfigHistory"));
      ++counts_.oversized;
      if (!*item) {
        return fail(ErrorCode::kNotFound,
                    fmt::format("{}: AWS Config has no recorded item of {} in {} {}", source,
                                group->str(), summary.account.str(), summary.region.str()));
      }
      // Read from AWS Config itself: as good as a signed item.
      return take_item(**item, source, Trust::kSigned);
    }
  }
  return invalid(std::string(source) + ": unknown kind of Config message");
}

Result<ConfigIntakeResult> ConfigIntake::take_item(const ConfigItem& item,
                                                   std::string_view source, Trust trust) {
  ++counts_.items;
  const std::string where = fmt::format("{} in {} {}", item.group.str(), item.account.str(),
                                        item.region.str());
  const std::optional<int64_t> state = state_number(item.state_id);
  if (!item.content && !item.deleted()) {
    ++counts_.not_observed;
    return ConfigIntakeResult{"skipped: " + where + " is " + item.status};
  }

  GroupObservation observation{Scope{item.account, item.region}, item.group, item.content,
                               item.capture_time, item.related_events, false, state};
  auto observed = trust == Trust::kSigned
                      ? observer_.observe_group(observation)
                      : observer_.refresh_group(observation.scope, item.group, item.related_events);
  if (!observed) return tl::unexpected(observed.error().within(std::string(source)));
  ConfigIntakeResult result{fmt::format("{}: {}", to_string(observed->verdict), where)};
  switch (observed->verdict) {
    case ObservationVerdict::kRecorded:
      ++counts_.recorded;
      result.recorded = true;
      break;
    case ObservationVerdict::kUnchanged:
      break;
    case ObservationVerdict::kSeen:
      ++counts_.seen_state;
      break;
    default:
      ++counts_.not_observed;
      break;
  }
  return result;
}

}  // namespace sgwatch
