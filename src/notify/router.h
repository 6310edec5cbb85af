// Which destinations hear of an alert, and which people among them: the config's [routing]
// table, its [[routes]] and [[suppress]] tables, and route(), a pure function of those and
// one alert's subject.
//
// route() decides in three steps:
//  1. Suppressions, each active from `from` (inclusive) until `until` (exclusive) at the
//     subject's time, unbounded where a bound is not given. A matching one with action
//     "mute" sends the alert nowhere; muted_by gives the reason of the first in file order
//     (notes are still filled). Each matching one with action "lower" caps the severity at
//     its own; the lowest cap wins.
//  2. Owner alerts, only for an alert about a group (a change or an attempt; a baseline is
//     about a whole account and region, a health alert about sgwatch). Independent of routes. With NotifyOnChange = No (or
//     absent, and notify_by_default off) there is none. Otherwise, when the group's OwnerDL
//     holds valid addresses each of owner_destinations gets the alert with them as
//     recipients; when it holds none, each of fallback gets it, without recipients.
//  3. Routes, in file order, matched with the severity after step 1 (so a lowered alert can
//     miss a min_severity route). match = "all": every matching route's destinations;
//     "first": only the first matching route's. Routes apply whatever the owner tags say:
//     the security team hears of a change its owners asked not to be told of.
// Each destination is delivered to once: the recipients of every step that names it are
// merged, without repeats. Deliveries come in the order their destination was first named.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_schema.h"
#include "config/config_table.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/ids.h"
#include "core/scope.h"
#include "notify/alert.h"
#include "notify/owner_tags.h"
#include "risk/finding.h"
#include "state/attribution_records.h"

namespace sgwatch {

// What an alert is about, as routing sees it.
struct AlertSubject {
  Scope scope;
  std::optional<VpcId> vpc{};      // absent for a baseline and EC2-Classic groups
  std::optional<GroupId> group{};  // absent for a baseline
  std::string group_name{};
  std::map<std::string, std::string> tags{};  // the group's
  AlertKind kind = AlertKind::kChange;
  std::optional<Severity> severity{};       // the worst finding it brings; nullopt: none
  std::optional<AttributionState> state{};  // nullopt: attribution is off, or an attempt
  std::vector<std::string> actors{};        // the callers' ARNs; empty when not known
  Timestamp at{};                           // when it is routed: suppressions' time windows
};

// A tag a group must carry: `Key=ValueGlob` (split at the first '='), or `Key` for any value.
struct TagFilter {
  std::string key;
  std::optional<std::string> value_glob;

  static Result<TagFilter> parse(std::string_view text);
};

// Which alerts a route or suppression applies to. Every non-empty field must match; within a
// field, any entry. Globs are POSIX fnmatch patterns, case-sensitive, where '*' also matches
// '/' (`arn:aws:sts::111122223333:assumed-role/ci/*`).
struct AlertFilter {
  std::vector<AccountId> accounts;
  std::vector<Region> regions;
  std::vector<VpcId> vpcs;
  std::vector<std::string> groups;  // globs, on the group's id or its name
  std::vector<TagFilter> tags;
  std::vector<AlertKind> kinds;
  std::optional<Severity> min_severity;  // an alert without findings has no severity: no match
  std::vector<AttributionState> states;
  // Globs on the callers' ARNs. A route matches when any caller matches; a suppression only
  // when every caller does, so that muting a CI role cannot hide a person's change coalesced
  // into the same alert. An alert without known callers matches neither.
  std::vector<std::string> actors;
};

struct Route {
  std::string name;  // optional; for messages
  std::vector<std::string> destinations;
  AlertFilter when;
};

enum class SuppressAction { kMute, kLower };

struct Suppression {
  AlertFilter when;  // only accounts, regions, groups and actors are configurable
  SuppressAction action = SuppressAction::kMute;
  Severity cap = Severity::kInfo;  // for kLower
  std::optional<Timestamp> from;
  std::optional<Timestamp> until;
  std::string reason;  // required: people must say why
};

enum class RouteMatch { kFirst, kAll };

struct RoutingConfig {
  OwnerTagNames owner_tags;
  bool notify_by_default = true;
  std::vector<std::string> owner_destinations;
  std::vector<std::string> fallback;
  RouteMatch match = RouteMatch::kAll;
  // Changes of one group within this time become one alert (used by the alert builder).
  std::chrono::milliseconds coalesce{std::chrono::seconds(10)};
  std::vector<Route> routes;
  std::vector<Suppression> suppressions;
};

struct Delivery {
  std::string destination;
  std::vector<std::string> recipients;  // for destinations that write to people (email)
  // A route or the fallback named it too: its own recipients (an email destination's `to`)
  // hear of it besides the owners.
  bool routed = false;

  bool operator==(const Delivery&) const = default;
};

struct RoutingDecision {
  std::vector<Delivery> deliveries;  // empty when muted, or when nothing matched
  std::optional<Severity> severity;  // after suppressions
  std::string muted_by;              // the muting suppression's reason; "" when not muted
  std::string lowered_by;  // the reason of the suppression that set `severity`; "" when none
  std::vector<std::string> notes;  // problems with the owner tags, for warnings
};

RoutingDecision route(const RoutingConfig& config, const AlertSubject& subject);

// The [routing] table and the [[routes]] and [[suppress]] table arrays.
std::vector<KeySchema> routing_config_schema();

// The routing a validated config gives. Errors name the file position.
Result<RoutingConfig> routing_config_from(const ConfigTable& root);

// A destination name the routing config uses; destinations are declared elsewhere, so the
// caller checks the names exist.
struct DestinationReference {
  std::string name;
  std::string path;  // "routes[2].destinations", for messages
  SourcePosition where;
};
std::vector<DestinationReference> referenced_destinations(const ConfigTable& root);

}  // namespace sgwatch
