#include "notify/router.h"

#include <functional>

#include <gtest/gtest.h>

#include "config/config_loader.h"
#include "core/time_format.h"

namespace sgwatch::router_test {
namespace {

KeySchema schema() { return table_key("", "", routing_config_schema()); }

EnvLookup no_env() {
  return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

ConfigLoad load(const std::string& text) {
  return load_config_text(text, "sgwatch.toml", schema(), no_env());
}

RoutingConfig config_of(const std::string& text) {
  ConfigLoad loaded = load(text);
  EXPECT_TRUE(loaded.ok()) << (loaded.diagnostics.empty() ? "" : loaded.diagnostics[0].str());
  if (!loaded.ok()) return RoutingConfig();
  auto config = routing_config_from(*loaded.config);
  EXPECT_TRUE(config) << config.error().message;
  return config.value_or(RoutingConfig());
}

Timestamp at(const char* text) { return parse_time(text).value(); }

// A high-severity change by alice to web-frontend, in an account with no owner tags.
AlertSubject subject() {
  return AlertSubject{
      .scope = Scope{AccountId::parse("111122223333").value(), Region::parse("eu-west-1").value()},
      .vpc = VpcId::parse("vpc-0a1b2c3d").value(),
      .group = GroupId::parse("sg-0123456789abcdef0").value(),
      .group_name = "web-frontend",
      .tags = {},
      .kind = AlertKind::kChange,
      .severity = Severity::kHigh,
      .state = AttributionState::kAttributed,
      .actors = {"arn:aws:iam::111122223333:user/alice"},
      .at = at("2026-11-23T10:00:00Z"),
  };
}

// The deliveries on one line: "email[a@x.com b@y.org] security".
std::string shown(const RoutingDecision& decision) {
  std::string out;
  for (const Delivery& delivery : decision.deliveries) {
    if (!out.empty()) out += " ";
    out += delivery.destination;
    if (delivery.recipients.empty()) continue;
    out += "[";
    for (size_t i = 0; i < delivery.recipients.size(); ++i) {
      out += (i ? " " : "") + delivery.recipients[i];
    }
    out += "]";
  }
  return out;
}

using Tweak = std::function<void(AlertSubject&)>;
const Tweak kAsIs = [](AlertSubject&) {};

AlertSubject subject_with(const Tweak& tweak) {
  AlertSubject s = subject();
  tweak(s);
  return s;
}

// Owners by email (or the unowned channel), the security team for high severity.
const char kOwnersAndSecurity[] = R"(
[routing]
owner_destinations = ["email"]
fallback = ["unowned"]

[[routes]]
name = "security"
destinations = ["security"]
min_severity = "high"
)";

TEST(Router, OwnerTags) {
  struct Case {
    const char* what;
    Tweak tweak;
    const char* deliveries;
    size_t notes;
  };
  const Case cases[] = {
      {"no owner tags: fallback", kAsIs, "unowned security", 0},
      {"owners' addresses, the bad one left out",
       [](AlertSubject& s) { s.tags = {{"OwnerDL", "a@x.com; b@y.org,bad"}}; },
       "email[a@x.com b@y.org] security", 1},
      {"Yes", [](AlertSubject& s) { s.tags = {{"NotifyOnChange", "Yes"}, {"OwnerDL", "a@x.com"}}; },
       "email[a@x.com] security", 0},
      {"No: the security team still hears",
       [](AlertSubject& s) { s.tags = {{"NotifyOnChange", "No"}, {"OwnerDL", "a@x.com"}}; },
       "security", 0},
      {"No, and too mild for the security team",
       [](AlertSubject& s) {
         s.tags = {{"NotifyOnChange", "no"}};
         s.severity = Severity::kLow;
       },
       "", 0},
      {"garbage: as absent, with a note",
       [](AlertSubject& s) { s.tags = {{"NotifyOnChange", "perhaps"}, {"OwnerDL", "a@x.com"}}; },
       "email[a@x.com] security", 1},
      {"no valid address: fallback, with a note",
       [](AlertSubject& s) { s.tags = {{"OwnerDL", "team at example"}}; }, "unowned security", 1},
      {"an attempt goes to owners too",
       [](AlertSubject& s) {
         s.kind = AlertKind::kAttempt;
         s.tags = {{"OwnerDL", "a@x.com"}};
       },
       "email[a@x.com] security", 0},
      {"a baseline is about no group: routes only",
       [](AlertSubject& s) {
         s.kind = AlertKind::kBaseline;
         s.group.reset();
         s.group_name.clear();
         s.vpc.reset();
       },
       "security", 0},
  };
  const RoutingConfig config = config_of(kOwnersAndSecurity);
  for (const Case& c : cases) {
    RoutingDecision decision = route(config, subject_with(c.tweak));
    EXPECT_EQ(shown(decision), c.deliveries) << c.what;
    EXPECT_EQ(decision.notes.size(), c.notes) << c.what;
    EXPECT_EQ(decision.muted_by, "") << c.what;
  }
}

TEST(Router, OwnerTagSettings) {
  const RoutingConfig config = config_of(R"(
[routing]
notify_tag = "alerts"
owner_tag = "owner-email"
notify_by_default = false
owner_destinations = ["email", "email-backup"]
)");
  struct Case {
    std::map<std::string, std::string> tags;
    const char* deliveries;
  };
  const Case cases[] = {
      {{{"owner-email", "a@x.com"}}, ""},  // owners must opt in
      {{{"owner-email", "a@x.com"}, {"alerts", "YES"}}, "email[a@x.com] email-backup[a@x.com]"},
      {{{"OwnerDL", "a@x.com"}, {"NotifyOnChange", "Yes"}}, ""},  // other tags: not read
      {{{"alerts", "yes"}}, ""},  // no address and no fallback
  };
  for (const Case& c : cases) {
    AlertSubject s = subject();
    s.tags = c.tags;
    EXPECT_EQ(shown(route(config, s)), c.deliveries) << c.deliveries;
  }
}

TEST(Router, EachFieldOfARoute) {
  struct Case {
    const char* keys;  // of a [[routes]] table that delivers to "x"
    Tweak tweak;
    bool matches;
  };
  const Case cases[] = {
      {"", kAsIs, true},
      {"accounts = [\"444455556666\", \"111122223333\"]", kAsIs, true},
      {"accounts = \"444455556666\"", kAsIs, false},
      {"regions = [\"eu-west-1\"]", kAsIs, true},
      {"regions = [\"us-east-1\"]", kAsIs, false},
      {"vpcs = [\"vpc-0a1b2c3d\"]", kAsIs, true},
      {"vpcs = [\"vpc-0fedcba9\"]", kAsIs, false},
      {"vpcs = [\"vpc-0a1b2c3d\"]", [](AlertSubject& s) { s.vpc.reset(); }, false},
      {"groups = [\"sg-0123*\"]", kAsIs, true},
      {"groups = [\"db-*\", \"web-*\"]", kAsIs, true},
      {"groups = [\"web-[!f]*\"]", kAsIs, false},
      {"groups = [\"*\"]", [](AlertSubject& s) { s.group.reset(); }, false},
      {"tags = [\"Team=platform*\"]",
       [](AlertSubject& s) { s.tags = {{"Team", "platform-core"}}; }, true},
      {"tags = [\"Team=data\"]", [](AlertSubject& s) { s.tags = {{"Team", "platform-core"}}; },
       false},
      {"tags = [\"Env\", \"Team\"]", [](AlertSubject& s) { s.tags = {{"Team", ""}}; }, true},
      {"tags = [\"Env\"]", [](AlertSubject& s) { s.tags = {{"Team", "x"}}; }, false},
      {"kinds = [\"attempt\"]", kAsIs, false},
      {"kinds = [\"attempt\"]", [](AlertSubject& s) { s.kind = AlertKind::kAttempt; }, true},
      {"min_severity = \"high\"", kAsIs, true},
      {"min_severity = \"critical\"", kAsIs, false},
      {"min_severity = \"info\"", [](AlertSubject& s) { s.severity.reset(); }, false},
      {"states = [\"pending\", \"attributed\"]", kAsIs, true},
      {"states = [\"unattributed\"]", kAsIs, false},
      {"states = [\"attributed\"]", [](AlertSubject& s) { s.state.reset(); }, false},
      {"actors = [\"arn:aws:iam::111122223333:user/*\"]", kAsIs, true},
      {"actors = [\"arn:aws:sts::*:assumed-role/ci/*\"]", kAsIs, false},
      {"actors = [\"arn:aws:sts::*:assumed-role/ci/*\"]",
       [](AlertSubject& s) {
         s.actors.push_back("arn:aws:sts::111122223333:assumed-role/ci/build-17");
       },
       true},
      {"actors = [\"*\"]", [](AlertSubject& s) { s.actors.clear(); }, false},
      {"accounts = [\"111122223333\"]\nregions = [\"us-east-1\"]", kAsIs, false},
  };
  for (const Case& c : cases) {
    const RoutingConfig config =
        config_of(std::string("[[routes]]\ndestinations = [\"x\"]\n") + c.keys + "\n");
    EXPECT_EQ(shown(route(config, subject_with(c.tweak))), c.matches ? "x" : "") << c.keys;
  }
}

TEST(Router, FirstOrAllMatchingRoutes) {
  const std::string routes = R"(
[[routes]]
destinations = ["db-team"]
groups = ["db-*"]

[[routes]]
destinations = ["security", "db-team"]
min_severity = "high"

[[routes]]
destinations = ["everyone"]
)";
  const RoutingConfig first = config_of("[routing]\nmatch = \"first\"\n" + routes);
  const RoutingConfig all = config_of(routes);  // "all" is the default
  struct Case {
    const char* group_name;
    Severity severity;
    const char* first;
    const char* all;
  };
  const Case cases[] = {
      {"web-frontend", Severity::kHigh, "security db-team", "security db-team everyone"},
      {"web-frontend", Severity::kLow, "everyone", "everyone"},
      {"db-main", Severity::kCritical, "db-team", "db-team security everyone"},
  };
  for (const Case& c : cases) {
    AlertSubject s = subject();
    s.group_name = c.group_name;
    s.severity = c.severity;
    EXPECT_EQ(shown(route(first, s)), c.first) << c.group_name;
    EXPECT_EQ(shown(route(all, s)), c.all) << c.group_name;
  }
}

TEST(Router, Suppressions) {
  const RoutingConfig config = config_of(std::string(kOwnersAndSecurity) + R"(
[[routes]]
name = "audit"
destinations = ["audit"]

[[suppress]]
actors = ["arn:aws:sts::111122223333:assumed-role/terraform/*"]
action = "lower"
reason = "terraform applies reviewed plans"

[[suppress]]
actors = ["arn:aws:iam::111122223333:user/robot"]
reason = "the robot's changes are known noise"

[[suppress]]
groups = ["web-frontend"]
until = "2026-11-20T00:00:00Z"
reason = "rebuilding web-frontend"

[[suppress]]
accounts = ["444455556666"]
from = "2026-11-23T09:00:00Z"
until = "2026-11-23T11:00:00Z"
reason = "migration window"
)");
  const std::string terraform = "arn:aws:sts::111122223333:assumed-role/terraform/run-42";
  const std::string robot = "arn:aws:iam::111122223333:user/robot";
  auto in_account = [](AlertSubject& s, const char* time) {
    s.scope.account = AccountId::parse("444455556666").value();
    s.at = at(time);
  };
  struct Case {
    const char* what;
    Tweak tweak;
    const char* deliveries;
    std::optional<Severity> severity;
    const char* muted_by;
    const char* lowered_by;
  };
  const Case cases[] = {
      {"none applies", kAsIs, "unowned security audit", Severity::kHigh, "", ""},
      {"muted by actor", [&](AlertSubject& s) { s.actors = {robot}; }, "", Severity::kHigh,
       "the robot's changes are known noise", ""},
      {"a person's change is never muted with the robot's",
       [&](AlertSubject& s) { s.actors.push_back(robot); }, "unowned security audit",
       Severity::kHigh, "", ""},
      {"no known caller: not muted by actor", [](AlertSubject& s) { s.actors.clear(); },
       "unowned security audit", Severity::kHigh, "", ""},
      {"lowered, so the min_severity route skips it",
       [&](AlertSubject& s) { s.actors = {terraform}; }, "unowned audit", Severity::kInfo, "",
       "terraform applies reviewed plans"},
      {"lowering leaves no severity as none",
       [&](AlertSubject& s) {
         s.actors = {terraform};
         s.severity.reset();
       },
       "unowned audit", std::nullopt, "", ""},
      {"before its until: muted",
       [](AlertSubject& s) { s.at = at("2026-11-19T23:59:59Z"); }, "", Severity::kHigh,
       "rebuilding web-frontend", ""},
      {"at its until: expired",
       [](AlertSubject& s) { s.at = at("2026-11-20T00:00:00Z"); }, "unowned security audit",
       Severity::kHigh, "", ""},
      {"in the maintenance window",
       [&](AlertSubject& s) { in_account(s, "2026-11-23T09:00:00Z"); }, "", Severity::kHigh,
       "migration window", ""},
      {"before the window", [&](AlertSubject& s) { in_account(s, "2026-11-23T08:59:59Z"); },
       "unowned security audit", Severity::kHigh, "", ""},
      {"after the window", [&](AlertSubject& s) { in_account(s, "2026-11-23T11:00:00Z"); },
       "unowned security audit", Severity::kHigh, "", ""},
  };
  for (const Case& c : cases) {
    RoutingDecision decision = route(config, subject_with(c.tweak));
    EXPECT_EQ(shown(decision), c.deliveries) << c.what;
    EXPECT_EQ(decision.severity, c.severity) << c.what;
    EXPECT_EQ(decision.muted_by, c.muted_by) << c.what;
    EXPECT_EQ(decision.lowered_by, c.lowered_by) << c.what;
  }
}

TEST(Router, TheLowestCapWins) {
  const RoutingConfig config = config_of(R"(
[[suppress]]
groups = ["web-*"]
action = "lower"
severity = "low"
reason = "a"
[[suppress]]
groups = ["sg-0123456789abcdef0"]
action = "lower"
severity = "medium"
reason = "b"
)");
  RoutingDecision decision = route(config, subject());
  EXPECT_EQ(decision.severity, Severity::kLow);
  EXPECT_EQ(decision.lowered_by, "a");
}

TEST(Router, ADestinationNamedTwiceIsDeliveredOnceWithEveryRecipient) {
  const RoutingConfig config = config_of(R"(
[routing]
owner_destinations = ["email", "email"]
[[routes]]
destinations = ["email", "slack"]
)");
  AlertSubject s = subject();
  s.tags = {{"OwnerDL", "a@x.com, A@X.com; b@y.org"}};
  EXPECT_EQ(shown(route(config, s)), "email[a@x.com b@y.org] slack");
}

TEST(RoutingConfig, DefaultsWithoutTheTables) {
  const RoutingConfig config = config_of("");
  EXPECT_EQ(config.owner_tags.notify, "NotifyOnChange");
  EXPECT_EQ(config.owner_tags.addresses, "OwnerDL");
  EXPECT_TRUE(config.notify_by_default);
  EXPECT_TRUE(config.owner_destinations.empty());
  EXPECT_TRUE(config.fallback.empty());
  EXPECT_EQ(config.match, RouteMatch::kAll);
  EXPECT_EQ(config.coalesce, std::chrono::seconds(10));
  EXPECT_TRUE(config.routes.empty());
  EXPECT_TRUE(config.suppressions.empty());
  // Nothing configured: nobody hears of anything.
  EXPECT_EQ(shown(route(config, subject())), "");
}

TEST(RoutingConfig, EveryKeyIsRead) {
  const RoutingConfig config = config_of(R"(
[routing]
coalesce = "0s"
match = "first"

[[routes]]
name = "security"
destinations = "security"
accounts = "111122223333"
regions = ["eu-west-1"]
vpcs = ["vpc-0a1b2c3d"]
groups = ["sg-*", "web-*"]
tags = ["Team=platform*", "Env"]
kinds = ["change", "attempt"]
min_severity = "medium"
states = ["unattributed"]
actors = ["arn:aws:iam::*:user/*"]

[[suppress]]
actors = ["arn:aws:sts::111122223333:assumed-role/terraform/*"]
action = "lower"
severity = "low"
from = "2026-11-28"
until = "2026-11-29T06:00:00+01:00"
reason = "weekend migration"
)");
  EXPECT_EQ(config.coalesce, std::chrono::milliseconds(0));
  EXPECT_EQ(config.match, RouteMatch::kFirst);
  ASSERT_EQ(config.routes.size(), 1u);
  const Route& r = config.routes[0];
  EXPECT_EQ(r.name, "security");
  EXPECT_EQ(r.destinations, std::vector<std::string>{"security"});
  ASSERT_EQ(r.when.accounts.size(), 1u);
  EXPECT_EQ(r.when.accounts[0].str(), "111122223333");
  EXPECT_EQ(r.when.regions.size(), 1u);
  EXPECT_EQ(r.when.vpcs.size(), 1u);
  EXPECT_EQ(r.when.groups, (std::vector<std::string>{"sg-*", "web-*"}));
  ASSERT_EQ(r.when.tags.size(), 2u);
  EXPECT_EQ(r.when.tags[0].key, "Team");
  EXPECT_EQ(r.when.tags[0].value_glob, "platform*");
  EXPECT_EQ(r.when.tags[1].value_glob, std::nullopt);
  EXPECT_EQ(r.when.kinds, (std::vector<AlertKind>{AlertKind::kChange, AlertKind::kAttempt}));
  EXPECT_EQ(r.when.min_severity, Severity::kMedium);
  EXPECT_EQ(r.when.states, std::vector<AttributionState>{AttributionState::kUnattributed});
  EXPECT_EQ(r.when.actors, std::vector<std::string>{"arn:aws:iam::*:user/*"});
  ASSERT_EQ(config.suppressions.size(), 1u);
  const Suppression& s = config.suppressions[0];
  EXPECT_EQ(s.action, SuppressAction::kLower);
  EXPECT_EQ(s.cap, Severity::kLow);
  EXPECT_EQ(s.from, at("2026-11-28T00:00:00Z"));
  EXPECT_EQ(s.until, at("2026-11-29T05:00:00Z"));
  EXPECT_EQ(s.reason, "weekend migration");
}

TEST(RoutingConfig, ValuesAreCheckedWhereTheyAreWritten) {
  struct Case {
    const char* text;
    const char* error;
  };
  const Case cases[] = {
      {"[routing]\ncoalesce = \"10\"\n",
       "sgwatch.toml:2:12: routing.coalesce: '10' is not a duration"},
      {"[routing]\nmatch = \"any\"\n",
       "sgwatch.toml:2:9: routing.match is \"any\"; it must be one of: all, first"},
      {"[routing]\nowner_tag = \"\"\n", "sgwatch.toml:2:13: routing.owner_tag: the name is empty"},
      {"[[routes]]\ndestinations = [\"x\"]\ngroups = [\"sg-[ab\"]\n",
       "sgwatch.toml:3:11: routes[1].groups[1]: 'sg-[ab' is not a glob: its '[' has no closing "
       "']'"},
      {"[[routes]]\ndestinations = [\"x\"]\nactors = [\"arn:aws:iam::*:user/\\\\\"]\n",
       "sgwatch.toml:3:11: routes[1].actors[1]: 'arn:aws:iam::*:user/\\' is not a glob: it ends "
       "in a lone '\\'"},
      {"[[routes]]\ndestinations = [\"x\"]\nkinds = [\"change\", \"chnage\"]\n",
       "sgwatch.toml:3:20: routes[1].kinds[2] is \"chnage\"; it must be one of: change, attempt, "
       "baseline"},
      {"[[routes]]\ndestinations = [\"x\"]\nstates = \"done\"\n",
       "sgwatch.toml:3:10: routes[1].states is \"done\"; it must be one of: pending, attributed, "
       "unattributed"},
      {"[[routes]]\ndestinations = [\"x\"]\nmin_severity = \"hgih\"\n",
       "sgwatch.toml:3:16: routes[1].min_severity is \"hgih\"; it must be one of: info, low, "
       "medium, high, critical"},
      {"[[routes]]\ndestinations = [\"x\"]\ntags = [\"=prod\"]\n",
       "sgwatch.toml:3:9: routes[1].tags[1]: '=prod' is not a tag like \"Key=ValueGlob\" or "
       "\"Key\": the key is empty"},
      {"[[routes]]\ndestinations = [\"x\"]\naccounts = [\"1234\"]\n",
       "sgwatch.toml:3:13: routes[1].accounts[1]: '1234' is not a valid AWS account id"},
      {"[[routes]]\nname = \"db\"\n",
       "sgwatch.toml:1:1: routes[1] has no destinations, which is required"},
      {"[[suppress]]\ngroups = [\"web-*\"]\n", "has no reason, which is required"},
      {"[[suppress]]\ngroups = [\"web-*\"]\nreason = \"x\"\nuntil = \"tomorrow\"\n",
       "sgwatch.toml:4:9: suppress[1].until: 'tomorrow'"},
      {"[[suppress]]\ngroups = [\"web-*\"]\nreason = \"x\"\naction = \"lower\"\n"
       "severity = \"none\"\n",
       "sgwatch.toml:5:12: suppress[1].severity is \"none\"; it must be one of: info"},
  };
  for (const Case& c : cases) {
    ConfigLoad loaded = load(c.text);
    EXPECT_FALSE(loaded.ok()) << c.text;
    std::string all;
    for (const ConfigDiagnostic& d : loaded.diagnostics) all += d.str() + "\n";
    EXPECT_NE(all.find(c.error), std::string::npos) << "expected: " << c.error << "\ngot: " << all;
  }
}

TEST(RoutingConfig, ProblemsAcrossKeysNameTheirPosition) {
  struct Case {
    const char* text;
    const char* error;
  };
  const Case cases[] = {
      {"[[routes]]\nname = \"db\"\ndestinations = []\n",
       "sgwatch.toml:3:16: routes[1] (db) has no destinations; name at least one"},
      {"[routing]\nfallback = [\"unowned\"]\n",
       "sgwatch.toml:2:12: routing.fallback is set but routing.owner_destinations is empty, so "
       "there are no owner alerts to fall back from"},
      {"[[suppress]]\ngroups = [\"web-*\"]\nreason = \"x\"\nfrom = \"2026-11-29\"\n"
       "until = \"2026-11-28\"\n",
       "sgwatch.toml:5:9: suppress[1].until (2026-11-28T00:00:00Z) is not after from "
       "(2026-11-29T00:00:00Z)"},
      {"[[suppress]]\ngroups = [\"web-*\"]\nreason = \"x\"\nseverity = \"low\"\n",
       "sgwatch.toml:4:12: suppress[1].severity applies only with action = \"lower\""},
      {"[[suppress]]\ngroups = [\"web-*\"]\nreason = \"  \"\n",
       "sgwatch.toml:3:10: suppress[1].reason is empty; say why these alerts are suppressed"},
      {"[[suppress]]\nreason = \"too noisy\"\nfrom = \"2026-11-28\"\n",
       "sgwatch.toml:1:1: suppress[1] names no accounts, regions, groups or actors and has no "
       "until, so it would suppress every alert for good"},
  };
  for (const Case& c : cases) {
    ConfigLoad loaded = load(c.text);
    ASSERT_TRUE(loaded.ok()) << c.text << loaded.diagnostics.at(0).str();
    auto config = routing_config_from(*loaded.config);
    ASSERT_FALSE(config) << c.text;
    EXPECT_EQ(config.error().message, c.error);
  }
}

TEST(RoutingConfig, AWindowWithoutSelectorsMutesEverythingWithinIt) {
  const RoutingConfig config = config_of(
      "[[routes]]\ndestinations = [\"x\"]\n"
      "[[suppress]]\nreason = \"planned outage\"\nuntil = \"2026-11-24\"\n");
  EXPECT_EQ(route(config, subject()).muted_by, "planned outage");
}

TEST(RoutingConfig, ReferencedDestinationsWithTheirPositions) {
  ConfigLoad loaded = load(R"([routing]
owner_destinations = ["email"]
fallback = ["unowned"]
[[routes]]
destinations = ["security", "audit"]
)");
  ASSERT_TRUE(loaded.ok());
  std::vector<std::string> shown_references;
  for (const DestinationReference& r : referenced_destinations(*loaded.config)) {
    shown_references.push_back(r.where.str() + " " + r.path + " " + r.name);
  }
  EXPECT_EQ(shown_references, (std::vector<std::string>{
                                  "sgwatch.toml:2:22 routing.owner_destinations email",
                                  "sgwatch.toml:3:12 routing.fallback unowned",
                                  "sgwatch.toml:5:16 routes[1].destinations security",
                                  "sgwatch.toml:5:16 routes[1].destinations audit",
                              }));
}

}  // namespace
}  // namespace sgwatch::router_test
