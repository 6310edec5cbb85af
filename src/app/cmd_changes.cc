// `sgwatch changes`: the changes in the store across groups, each with who made it, narrowed
// by time, account, group, attribution state, caller, port, CIDR and severity. "Who opened
// 3389 last week" is `sgwatch changes --port 3389 --since 7d`.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "app/change_filter.h"
#include "app/change_report.h"
#include "app/command.h"
#include "attribution/attribution_settings.h"
#include "core/duration.h"
#include "core/time_format.h"
#include "risk/assess.h"
#include "state/sqlite_store.h"

namespace sgwatch {
namespace {

struct ChangesOptions {
  std::string since;
  std::string until;
  std::string actor;
  int port = -1;
  std::string cidr;
  std::string min_severity;
  std::string group;
  std::string account;
  std::string state;
};

// "7d", "36h" (that long before now) or a time ("2026-11-20", "2026-11-20T08:00:00Z").
Result<Timestamp> point_in_time(const std::string& text, Timestamp now, const char* flag) {
  if (auto ago = parse_duration(text)) return now - *ago;
  auto at = parse_time(text);
  if (!at) {
    return invalid(std::string(flag) + ": '" + text +
                   "' is neither a duration before now (7d, 36h) nor a time (2026-11-20, "
                   "2026-11-20T08:00:00Z)");
  }
  return *at;
}

Status read_query(const ChangesOptions& options, Timestamp now, ChangeQuery& query,
                  ChangeFilter& filter) {
  if (!options.since.empty()) {
    auto since = point_in_time(options.since, now, "--since");
    if (!since) return tl::unexpected(since.error());
    query.since = *since;
  }
  if (!options.until.empty()) {
    auto until = point_in_time(options.until, now, "--until");
    if (!until) return tl::unexpected(until.error());
    query.until = *until;
  }
  if (!options.group.empty()) {
    auto group = GroupId::parse(options.group);
    if (!group) return tl::unexpected(group.error().within("--group"));
    query.group = *group;
  }
  if (!options.account.empty()) {
    auto account = AccountId::parse(options.account);
    if (!account) return tl::unexpected(account.error().within("--account"));
    query.account = *account;
  }
  if (!options.state.empty()) query.state = attribution_state_from(options.state);
  if (!options.actor.empty()) filter.actor = options.actor;
  if (options.port >= 0) filter.port = options.port;
  if (!options.cidr.empty()) {
    auto cidr = Cidr::parse(options.cidr);
    if (!cidr) return tl::unexpected(cidr.error().within("--cidr"));
    filter.cidr = *cidr;
  }
  if (!options.min_severity.empty()) {
    auto severity = parse_severity(options.min_severity);
    if (!severity) return tl::unexpected(severity.error().within("--severity"));
    filter.min_severity = *severity;
  }
  return {};
}

int run_changes(CommandContext& ctx, const ChangesOptions& options) {
  ChangeQuery query;
  ChangeFilter filter;
  if (auto read = read_query(options, ctx.clock.now(), query, filter); !read) {
    return report(ctx, read.error());
  }
  auto risk = risk_policy_from(*ctx.global.config);
  if (!risk) return report(ctx, risk.error());
  auto attribution = attribution_settings_from(*ctx.global.config);
  if (!attribution) return report(ctx, attribution.error());
  auto store = SqliteStore::open_reader(resolve_store_path(ctx.global));
  if (!store) return report(ctx, store.error());
  auto entries = (*store)->changes(query);
  if (!entries) return report(ctx, entries.error());

  nlohmann::json json = nlohmann::json::array();
  size_t shown = 0;
  for (const ChangeEntry& entry : *entries) {
    auto view = load_change(**store, entry);
    if (!view) return report(ctx, view.error());
    const std::vector<Finding> findings = change_findings(*view, &*risk);
    if (!change_matches(filter, *view, findings)) continue;
    ++shown;
    if (ctx.global.output == OutputFormat::kJson) {
      json.push_back(change_view_json(*view, findings));
    } else {
      ctx.out << change_view_text(*view, findings, ctx.global.zone, attribution->wait);
    }
  }
  if (ctx.global.output == OutputFormat::kJson) {
    ctx.out << json.dump(2) << "\n";
  } else if (shown == 0) {
    ctx.out << "No changes match.\n";
  }
  return kExitOk;
}

}  // namespace

Command changes_command() {
  return {
      "changes",
      "List the changes in the store across groups, oldest first, each with who made it "
      "(`changes --port 3389 --since 7d`: who opened RDP last week)",
      [](CLI::App& app) -> CommandRun {
        auto options = std::make_shared<ChangesOptions>();
        app.add_option("--since", options->since,
                       "Only changes observed at or after this: a duration before now (7d, "
                       "36h) or a time (2026-11-20, 2026-11-20T08:00:00Z)");
        app.add_option("--until", options->until, "Only changes observed at or before this");
        app.add_option("--actor", options->actor,
                       "Only changes made by a caller whose ARN, user or session name, role or "
                       "access key id contains this (case-insensitive)");
        app.add_option("--port", options->port,
                       "Only changes of rules that let traffic reach this port (tcp/udp ranges "
                       "including it, and all-protocol rules)")
            ->check(CLI::Range(0, 65535));
        app.add_option("--cidr", options->cidr,
                       "Only changes of rules whose peer block overlaps this CIDR");
        app.add_option("--severity", options->min_severity,
                       "Only changes that bring a finding at least this severe")
            ->check(CLI::IsMember(severity_names()));
        app.add_option("--group", options->group, "Only this group id");
        app.add_option("--account", options->account, "Only this account");
        app.add_option("--state", options->state, "Only changes in this attribution state")
            ->check(CLI::IsMember({"pending", "attributed", "unattributed"}));
        return [options](CommandContext& ctx) { return run_changes(ctx, *options); };
      }};
}

}  // namespace sgwatch
