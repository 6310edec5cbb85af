#include "notify/router.h"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <functional>

#include "core/duration.h"
#include "core/time_format.h"

namespace sgwatch {
namespace {

// ---- Matching

bool glob_matches(const std::string& glob, std::string_view text) {
  return fnmatch(glob.c_str(), std::string(text).c_str(), 0) == 0;
}

bool any_glob_matches(const std::vector<std::string>& globs, std::string_view text) {
  return std::any_of(globs.begin(), globs.end(),
                     [&](const std::string& glob) { return glob_matches(glob, text); });
}

// True when `wanted` is empty (any value) or holds `value`.
template <typename T>
bool allowed(const std::vector<T>& wanted, const T& value) {
  return wanted.empty() || std::find(wanted.begin(), wanted.end(), value) != wanted.end();
}

template <typename T>
bool allowed(const std::vector<T>& wanted, const std::optional<T>& value) {
  return wanted.empty() || (value && allowed(wanted, *value));
}

bool tag_matches(const TagFilter& filter, const std::map<std::string, std::string>& tags) {
  auto found = tags.find(filter.key);
  return found != tags.end() &&
         (!filter.value_glob || glob_matches(*filter.value_glob, found->second));
}

enum class Callers { kAny, kEvery };

bool callers_match(const std::vector<std::string>& globs, const std::vector<std::string>& actors,
                   Callers needed) {
  if (globs.empty()) return true;
  auto matched = [&](const std::string& actor) { return any_glob_matches(globs, actor); };
  if (needed == Callers::kAny) return std::any_of(actors.begin(), actors.end(), matched);
  return !actors.empty() && std::all_of(actors.begin(), actors.end(), matched);
}

bool matches(const AlertFilter& when, const AlertSubject& subject, std::optional<Severity> severity,
             Callers callers) {
  auto group_matches = [&] {
    return subject.group && (any_glob_matches(when.groups, subject.group->view()) ||
                             any_glob_matches(when.groups, subject.group_name));
  };
  auto carries_a_tag = [&] {
    return std::any_of(when.tags.begin(), when.tags.end(),
                       [&](const TagFilter& tag) { return tag_matches(tag, subject.tags); });
  };
  auto severe_enough = [&] { return severity && *severity >= *when.min_severity; };
  return allowed(when.accounts, subject.scope.account) &&
         allowed(when.regions, subject.scope.region) && allowed(when.vpcs, subject.vpc) &&
         (when.groups.empty() || group_matches()) && (when.tags.empty() || carries_a_tag()) &&
         allowed(when.kinds, subject.kind) && (!when.min_severity || severe_enough()) &&
         allowed(when.states, subject.state) && callers_match(when.actors, subject.actors, callers);
}

bool active(const Suppression& suppression, Timestamp at) {
  return (!suppression.from || *suppression.from <= at) &&
         (!suppression.until || at < *suppression.until);
}

void deliver(std::vector<Delivery>& deliveries, const std::string& destination,
             const std::vector<std::string>& recipients, bool routed) {
  auto found = std::find_if(deliveries.begin(), deliveries.end(),
                            [&](const Delivery& d) { return d.destination == destination; });
  if (found == deliveries.end()) {
    deliveries.push_back(Delivery{destination, {}, false});
    found = deliveries.end() - 1;
  }
  found->routed = found->routed || routed;
  for (const std::string& recipient : recipients) {
    auto& merged = found->recipients;
    if (std::find(merged.begin(), merged.end(), recipient) == merged.end()) {
      merged.push_back(recipient);
    }
  }
}

// ---- Reading the config

Result<std::string> parse_name(std::string_view text) {
  if (text.empty()) return invalid("the name is empty");
  return std::string(text);
}

// fnmatch never reports a bad pattern: glibc takes a '[' without its ']' literally, and a
// pattern ending in a lone '\' matches nothing. Both are typos, so they are refused here.
std::string glob_problem(std::string_view glob) {
  for (size_t i = 0; i < glob.size(); ++i) {
    if (glob[i] == '\\') {
      if (++i == glob.size()) return "it ends in a lone '\\'";
    } else if (glob[i] == '[') {
      size_t end = i + 1;
      if (end < glob.size() && (glob[end] == '!' || glob[end] == '^')) ++end;
      if (end < glob.size() && glob[end] == ']') ++end;  // first in a set, ']' is itself
      end = glob.find(']', end);
      if (end == std::string_view::npos) {
        return "its '[' has no closing ']' (write \\[ for a literal '[')";
      }
      i = end;
    }
  }
  return "";
}

Result<std::string> parse_glob(std::string_view text) {
  std::string problem = text.empty() ? "it is empty" : glob_problem(text);
  if (!problem.empty()) return invalid(fmt::format("'{}' is not a glob: {}", text, problem));
  return std::string(text);
}

Result<AlertKind> parse_kind(std::string_view text) {
  if (auto kind = alert_kind_from(text)) return *kind;
  return invalid(fmt::format("'{}' is not an alert kind (change, attempt, baseline)", text));
}

Result<AttributionState> parse_state(std::string_view text) {
  if (auto state = attribution_state_from(text)) return *state;
  return invalid(
      fmt::format("'{}' is not an attribution state (pending, attributed, unattributed)", text));
}

// "sgwatch.toml:12:10: routes[2].kinds", to put before a problem with that key's value.
std::string key_place(const ConfigTable& table, const std::string& path, const std::string& key) {
  return fmt::format("{}: {}.{}", table.where(key).str(), path, key);
}

// Parses each string of the list `key` into `out`.
template <typename T, typename Parse>
Status read_list(const ConfigTable& table, const std::string& path, const std::string& key,
                 Parse parse, std::vector<T>& out) {
  for (const std::string& text : table.strings(key).value_or(std::vector<std::string>{})) {
    auto parsed = parse(text);
    if (!parsed) return tl::unexpected(parsed.error().within(key_place(table, path, key)));
    out.push_back(std::move(*parsed));
  }
  return {};
}

// Parses the string `key`, when given, into `out`.
template <typename T, typename Parse>
Status read_value(const ConfigTable& table, const std::string& path, const std::string& key,
                  Parse parse, std::optional<T>& out) {
  auto text = table.string(key);
  if (!text) return {};
  auto parsed = parse(*text);
  if (!parsed) return tl::unexpected(parsed.error().within(key_place(table, path, key)));
  out = std::move(*parsed);
  return {};
}

// The keys routes and suppressions share.
Status read_common_filter(const ConfigTable& table, const std::string& path, AlertFilter& when) {
  Status status = read_list(table, path, "accounts", AccountId::parse, when.accounts);
  if (status) status = read_list(table, path, "regions", Region::parse, when.regions);
  if (status) status = read_list(table, path, "groups", parse_glob, when.groups);
  if (status) status = read_list(table, path, "actors", parse_glob, when.actors);
  return status;
}

Result<Route> route_from(const ConfigTable& table, size_t number) {
  const std::string path = fmt::format("routes[{}]", number);
  Route route;
  route.name = table.string("name").value_or("");
  AlertFilter& when = route.when;
  Status status = read_list(table, path, "destinations", parse_name, route.destinations);
  if (status) status = read_common_filter(table, path, when);
  if (status) status = read_list(table, path, "vpcs", VpcId::parse, when.vpcs);
  if (status) status = read_list(table, path, "tags", TagFilter::parse, when.tags);
  if (status) status = read_list(table, path, "kinds", parse_kind, when.kinds);
  if (status) status = read_list(table, path, "states", parse_state, when.states);
  if (status) status = read_value(table, path, "min_severity", parse_severity, when.min_severity);
  if (!status) return tl::unexpected(status.error());
  if (route.destinations.empty()) {
    const std::string label = route.name.empty() ? path : fmt::format("{} ({})", path, route.name);
    return invalid(fmt::format("{}: {} has no destinations; name at least one",
                               table.where("destinations").str(), label));
  }
  return route;
}

Result<Suppression> suppression_from(const ConfigTable& table, size_t number) {
  const std::string path = fmt::format("suppress[{}]", number);
  Suppression suppression;
  suppression.reason = table.string("reason").value_or("");
  std::optional<Severity> cap;
  Status status = read_common_filter(table, path, suppression.when);
  if (status) status = read_value(table, path, "severity", parse_severity, cap);
  if (status) status = read_value(table, path, "from", parse_time, suppression.from);
  if (status) status = read_value(table, path, "until", parse_time, suppression.until);
  if (!status) return tl::unexpected(status.error());
  suppression.action = table.string("action").value_or("mute") == "lower" ? SuppressAction::kLower
                                                                          : SuppressAction::kMute;
  suppression.cap = cap.value_or(Severity::kInfo);

  auto problem = [&](const std::string& key, const std::string& what) {
    return invalid(key_place(table, path, key) + " " + what);
  };
  if (suppression.reason.find_first_not_of(" \t") == std::string::npos) {
    return problem("reason", "is empty; say why these alerts are suppressed");
  }
  if (suppression.action == SuppressAction::kMute && table.given("severity")) {
    return problem("severity", "applies only with action = \"lower\"");
  }
  if (suppression.from && suppression.until && *suppression.from >= *suppression.until) {
    return problem("until",
                   fmt::format("({}) is not after from ({})", format_utc(*suppression.until),
                               format_utc(*suppression.from)));
  }
  const AlertFilter& when = suppression.when;
  if (when.accounts.empty() && when.regions.empty() && when.groups.empty() && when.actors.empty() &&
      !suppression.until) {
    // It would suppress every alert for good: that is turning alerts off, not a suppression.
    return invalid(fmt::format(
        "{}: {} names no accounts, regions, groups or actors and has no until, so it would "
        "suppress every alert for good",
        table.position().str(), path));
  }
  return suppression;
}

KeySchema list_key(std::string name, std::string description,
                   std::function<std::string(const ConfigValue&)> check) {
  KeySchema key = string_list_key(std::move(name), std::move(description));
  key.check = std::move(check);
  return key;
}

// The keys routes and suppressions share.
KeySchema accounts_key() {
  return list_key("accounts", "Only alerts about these AWS accounts (12-digit ids).",
                  check_with(AccountId::parse));
}
KeySchema regions_key() {
  return list_key("regions", "Only alerts about these regions (`eu-west-1`).",
                  check_with(Region::parse));
}
KeySchema groups_key() {
  return list_key("groups",
                  "Only alerts about a group whose id or name matches one of these globs "
                  "(`sg-0a1b*`, `web-*`).",
                  check_with(parse_glob));
}
KeySchema actors_key(std::string description) {
  return list_key("actors", std::move(description), check_with(parse_glob));
}

KeySchema routing_table() {
  KeySchema notify_tag = string_key(
      "notify_tag",
      "The group tag by which its owners say whether they want to hear of its changes: `Yes` "
      "or `No`, in any case.",
      "NotifyOnChange");
  notify_tag.check = check_with(parse_name);
  KeySchema owner_tag = string_key(
      "owner_tag", "The group tag holding its owners' email addresses, separated by `,` or `;`.",
      "OwnerDL");
  owner_tag.check = check_with(parse_name);
  KeySchema match = string_key(
      "match",
      "`all`: an alert goes to the destinations of every [[routes]] table it matches; `first`: "
      "only to those of the first one, in file order.",
      "all");
  match.allowed = {"all", "first"};
  KeySchema coalesce = string_key(
      "coalesce",
      "Changes of one group this close together become one alert; `0s`: each change is an "
      "alert of its own.",
      "10s");
  coalesce.check = check_with(parse_duration);
  KeySchema owner_destinations = string_list_key(
      "owner_destinations",
      "Destinations that tell a group's owners of its changes and attempts, with the owner "
      "tag's addresses as recipients (an email destination). Empty: no owner alerts.",
      std::vector<std::string>{});
  owner_destinations.check = check_with(parse_name);
  KeySchema fallback = string_list_key(
      "fallback",
      "Destinations that get the owner alert of a group whose owner tag holds no valid "
      "address. Needs `owner_destinations`.",
      std::vector<std::string>{});
  fallback.check = check_with(parse_name);
  return table_key(
      "routing",
      "Who hears of each alert. A group's owners, through its tags, hear of its changes unless "
      "they tagged it `NotifyOnChange = No`; [[routes]] add destinations by what the alert is "
      "about, whatever the tags say; [[suppress]] mutes alerts or lowers their severity.",
      {notify_tag, owner_tag,
       boolean_key("notify_by_default",
                   "Whether owners hear of a group without the notify tag (or with a value "
                   "other than Yes or No).",
                   true),
       owner_destinations, fallback, match, coalesce});
}

KeySchema routes_key() {
  KeySchema destinations =
      string_list_key("destinations", "The destinations that get the alerts this route matches.");
  destinations.required = true;
  destinations.check = check_with(parse_name);
  KeySchema kinds = string_list_key(
      "kinds",
      "Only these kinds of alert: `attempt` is a refused call against a group, `baseline` an "
      "account and region seen for the first time, `health` sgwatch's own problems and "
      "CloudTrail logging stopped or changed (docs/ALERTS.md, Self-alerts).");
  kinds.allowed = {"change", "attempt", "baseline", "health"};
  KeySchema min_severity = string_key(
      "min_severity",
      "Only alerts bringing a finding at least this severe, after [[suppress]]; an alert "
      "without findings does not match.");
  min_severity.allowed = severity_names();
  KeySchema states = string_list_key("states", "Only changes in these attribution states.");
  states.allowed = {"pending", "attributed", "unattributed"};
  return table_array_key(
      "routes",
      "Destinations by what an alert is about. Every key given must match (within a list, any "
      "entry); a route without any matches every alert. Globs are shell patterns (`*`, `?`, "
      "`[...]`) where `*` also matches `/`.",
      {string_key("name", "A name for the route, for messages."), destinations, accounts_key(),
       regions_key(),
       list_key("vpcs", "Only alerts about groups in these VPCs (`vpc-...`).",
                check_with(VpcId::parse)),
       groups_key(),
       list_key("tags",
                "Only alerts about a group carrying one of these tags: `\"Key=ValueGlob\"` "
                "(split at the first `=`), or `\"Key\"` for any value.",
                check_with(TagFilter::parse)),
       kinds, min_severity, states,
       actors_key("Only alerts where a caller's ARN matches one of these globs "
                  "(`arn:aws:iam::111122223333:user/*`).")});
}

KeySchema suppress_key() {
  KeySchema reason = string_key("reason",
                                "Why these alerts are suppressed, for people reading "
                                "the config and the logs.");
  reason.required = true;
  KeySchema action = string_key(
      "action", "`mute`: the alerts go nowhere; `lower`: their severity is capped at `severity`.",
      "mute");
  action.allowed = {"mute", "lower"};
  KeySchema severity =
      string_key("severity", "With `action = \"lower\"`, the most severe an alert stays.", "info");
  severity.allowed = severity_names();
  KeySchema from = string_key(
      "from", "Suppress from this time on (`\"2026-11-28T22:00:00Z\"`, `\"2026-11-28\"`).");
  from.check = check_with(parse_time);
  KeySchema until =
      string_key("until",
                 "Suppress until this time; after it the suppression has no effect. With `from`: a "
                 "maintenance window.");
  until.check = check_with(parse_time);
  return table_array_key(
      "suppress",
      "Alerts to mute or to lower, each with its reason. Every key given must match; at least "
      "one of accounts, regions, groups, actors or until is required.",
      {reason, action, severity, from, until, accounts_key(), regions_key(), groups_key(),
       actors_key("Only alerts where every caller's ARN matches one of these globs; an alert "
                  "whose callers are not known is not suppressed by actor.")});
}

}  // namespace

Result<TagFilter> TagFilter::parse(std::string_view text) {
  const size_t equals = text.find('=');
  TagFilter filter;
  filter.key = std::string(text.substr(0, equals));
  if (filter.key.empty()) {
    return invalid(
        fmt::format("'{}' is not a tag like \"Key=ValueGlob\" or \"Key\": the key is empty", text));
  }
  if (equals == std::string_view::npos) return filter;
  filter.value_glob = std::string(text.substr(equals + 1));
  if (std::string problem = glob_problem(*filter.value_glob); !problem.empty()) {
    return invalid(fmt::format("'{}': the value is not a glob: {}", text, problem));
  }
  return filter;
}

RoutingDecision route(const RoutingConfig& config, const AlertSubject& subject) {
  RoutingDecision decision;
  OwnerPolicy owners = read_owner_tags(subject.tags, config.owner_tags, config.notify_by_default);
  decision.notes = std::move(owners.problems);
  decision.severity = subject.severity;
  for (const Suppression& suppression : config.suppressions) {
    if (!active(suppression, subject.at) ||
        !matches(suppression.when, subject, subject.severity, Callers::kEvery)) {
      continue;
    }
    if (suppression.action == SuppressAction::kMute) {
      decision.muted_by = suppression.reason;
      return decision;
    }
    if (decision.severity && *decision.severity > suppression.cap) {
      decision.severity = suppression.cap;
      decision.lowered_by = suppression.reason;
    }
  }

  const bool about_a_group =
      subject.kind == AlertKind::kChange || subject.kind == AlertKind::kAttempt;
  if (about_a_group && owners.notify && !config.owner_destinations.empty()) {
    if (!owners.addresses.empty()) {
      for (const auto& name : config.owner_destinations) {
        deliver(decision.deliveries, name, owners.addresses, false);
      }
    } else {
      for (const auto& name : config.fallback) deliver(decision.deliveries, name, {}, true);
    }
  }

  for (const Route& route : config.routes) {
    if (!matches(route.when, subject, decision.severity, Callers::kAny)) continue;
    for (const auto& name : route.destinations) deliver(decision.deliveries, name, {}, true);
    if (config.match == RouteMatch::kFirst) break;
  }
  return decision;
}

std::vector<KeySchema> routing_config_schema() {
  return {routing_table(), routes_key(), suppress_key()};
}

Result<RoutingConfig> routing_config_from(const ConfigTable& root) {
  const ConfigTable& table = root.table("routing");
  const std::string path = "routing";
  RoutingConfig config;
  config.owner_tags.notify = table.string("notify_tag").value_or(config.owner_tags.notify);
  config.owner_tags.addresses = table.string("owner_tag").value_or(config.owner_tags.addresses);
  config.notify_by_default = table.boolean("notify_by_default").value_or(true);
  config.match =
      table.string("match").value_or("all") == "first" ? RouteMatch::kFirst : RouteMatch::kAll;
  Status status =
      read_list(table, path, "owner_destinations", parse_name, config.owner_destinations);
  if (status) status = read_list(table, path, "fallback", parse_name, config.fallback);
  if (!status) return tl::unexpected(status.error());
  auto coalesce = parse_duration(table.string("coalesce").value_or("10s"));
  if (!coalesce) return tl::unexpected(coalesce.error().within(key_place(table, path, "coalesce")));
  config.coalesce = *coalesce;
  if (!config.fallback.empty() && config.owner_destinations.empty()) {
    return invalid(fmt::format(
        "{}: routing.fallback is set but routing.owner_destinations is empty, so there are no "
        "owner alerts to fall back from",
        table.where("fallback").str()));
  }

  const auto& routes = root.tables("routes");
  for (size_t i = 0; i < routes.size(); ++i) {
    auto route = route_from(routes[i], i + 1);
    if (!route) return tl::unexpected(route.error());
    config.routes.push_back(std::move(*route));
  }
  const auto& suppressions = root.tables("suppress");
  for (size_t i = 0; i < suppressions.size(); ++i) {
    auto suppression = suppression_from(suppressions[i], i + 1);
    if (!suppression) return tl::unexpected(suppression.error());
    config.suppressions.push_back(std::move(*suppression));
  }
  return config;
}

std::vector<DestinationReference> referenced_destinations(const ConfigTable& root) {
  std::vector<DestinationReference> references;
  auto add = [&](const ConfigTable& table, const std::string& key, const std::string& path) {
    for (const std::string& name : table.strings(key).value_or(std::vector<std::string>{})) {
      references.push_back({name, path + "." + key, table.where(key)});
    }
  };
  const ConfigTable& routing = root.table("routing");
  add(routing, "owner_destinations", "routing");
  add(routing, "fallback", "routing");
  const auto& routes = root.tables("routes");
  for (size_t i = 0; i < routes.size(); ++i) {
    add(routes[i], "destinations", fmt::format("routes[{}]", i + 1));
  }
  return references;
}

}  // namespace sgwatch
