// `sgwatch findings`: judges every group's current rules in the store against the [risk] policy and
// lists what deserves attention. Findings are not errors: the exit code is 0 unless --fail-on is
// given and met, so CI can gate on it.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "app/command.h"
#include "app/log_output.h"
#include "app/render.h"
#include "core/group_json.h"
#include "risk/assess.h"
#include "state/sqlite_store.h"

namespace sgwatch {
namespace {

// The tags that route alerts; shown with each group so a reader knows who to tell.
constexpr std::array<const char*, 2> kRoutingTags = {"NotifyOnChange", "OwnerDL"};

struct FindingsOptions {
  std::string min_severity = "low";
  std::string fail_on;  // empty: never fail
  std::vector<std::string> accounts;
  std::vector<std::string> regions;
  std::vector<std::string> tags;
  std::vector<std::string> groups;
};

// The options after parsing: what to look at and what to show.
struct Selection {
  Severity min_severity = Severity::kLow;
  std::optional<Severity> fail_on;
  std::vector<AccountId> accounts;  // empty: any
  std::vector<Region> regions;      // empty: any
  std::vector<TagMatch> tags;       // all must match
  std::vector<GroupId> groups;      // empty: any

  bool wants(const Scope& scope) const {
    return (accounts.empty() ||
            std::find(accounts.begin(), accounts.end(), scope.account) != accounts.end()) &&
           (regions.empty() ||
            std::find(regions.begin(), regions.end(), scope.region) != regions.end());
  }
  bool wants(const Group& group) const {
    return (groups.empty() || std::find(groups.begin(), groups.end(), group.id) != groups.end()) &&
           std::all_of(tags.begin(), tags.end(),
                       [&group](const TagMatch& tag) { return tag.matches(group.tags); });
  }
};

template <typename T>
Status parse_each(const std::vector<std::string>& texts, const char* flag,
                  Result<T> (*parse)(std::string_view), std::vector<T>& out) {
  for (const std::string& text : texts) {
    auto parsed = parse(text);
    if (!parsed) return tl::unexpected(parsed.error().within(flag));
    out.push_back(std::move(*parsed));
  }
  return {};
}

Result<Selection> selection_from(const FindingsOptions& options) {
  Selection selection;
  // CLI11 checked the severity names.
  selection.min_severity = parse_severity(options.min_severity).value_or(Severity::kLow);
  if (!options.fail_on.empty()) selection.fail_on = parse_severity(options.fail_on).value();
  Status parsed = parse_each(options.accounts, "--account", &AccountId::parse, selection.accounts);
  if (parsed) parsed = parse_each(options.regions, "--region", &Region::parse, selection.regions);
  if (parsed) parsed = parse_each(options.tags, "--tag", &TagMatch::parse, selection.tags);
  if (parsed) parsed = parse_each(options.groups, "--group", &GroupId::parse, selection.groups);
  if (!parsed) return tl::unexpected(parsed.error());
  return selection;
}

// One group's findings, with what a reader needs to act on them.
struct GroupFindings {
  Scope scope;
  Group group;
  std::vector<Finding> findings;  // all of them, most severe first
};

struct Assessment {
  std::vector<GroupFindings> groups;  // every group selected, in store order
  size_t scopes = 0;
};

Result<Assessment> assess_store(Store& store, const Selection& selection,
                                const RiskPolicy& policy) {
  auto scopes = store.scopes();
  if (!scopes) return tl::unexpected(scopes.error());
  Assessment assessment;
  for (const Scope& scope : *scopes) {
    if (!selection.wants(scope)) continue;
    ++assessment.scopes;
    auto revisions = store.current_groups(scope);
    if (!revisions) return tl::unexpected(revisions.error());
    for (Revision& revision : *revisions) {
      if (!revision.content || !selection.wants(*revision.content)) continue;
      std::vector<Finding> findings = assess_group(*revision.content, policy);
      assessment.groups.push_back({scope, std::move(*revision.content), std::move(findings)});
    }
  }
  return assessment;
}

std::vector<const Finding*> shown(const GroupFindings& entry, Severity min_severity) {
  std::vector<const Finding*> out;
  for (const Finding& finding : entry.findings) {
    if (finding.severity >= min_severity) out.push_back(&finding);
  }
  return out;
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::string findings_list_text(const Assessment& assessment, Severity min_severity) {
  std::string out;
  std::array<size_t, 5> counts{};
  size_t total = 0;
  size_t groups_with = 0;
  for (const GroupFindings& entry : assessment.groups) {
    const auto findings = shown(entry, min_severity);
    if (findings.empty()) continue;
    ++groups_with;
    const Group& group = entry.group;
    out += fmt::format("{} in {}{}\n", group_label(group.id, group.name), entry.scope.str(),
                       group.vpc ? " (" + group.vpc->str() + ")" : "");
    std::vector<std::string> tags;
    for (const char* key : kRoutingTags) {
      if (auto tag = group.tags.find(key); tag != group.tags.end()) {
        tags.push_back(tag->first + "=" + tag->second);
      }
    }
    if (!tags.empty()) out += fmt::format("  tags: {}\n", fmt::join(tags, "  "));
    for (const Finding* finding : findings) {
      out += fmt::format("  {:<8}  {}  [{}]\n", upper(to_string(finding->severity)),
                         finding->message, finding->code);
      ++counts[static_cast<size_t>(finding->severity)];
      ++total;
    }
    out += "\n";
  }
  const std::string checked =
      fmt::format("{} group{} in {} scope{} checked", assessment.groups.size(),
                  assessment.groups.size() == 1 ? "" : "s", assessment.scopes,
                  assessment.scopes == 1 ? "" : "s");
  if (total == 0) {
    return fmt::format("No findings at {} or above ({}).\n", to_string(min_severity), checked);
  }
  std::vector<std::string> parts;
  for (size_t i = counts.size(); i-- > 0;) {
    if (counts[i] > 0) parts.push_back(fmt::format("{} {}", counts[i], to_string(Severity(i))));
  }
  out += fmt::format("{} finding{} in {} group{}: {} ({}).\n", total, total == 1 ? "" : "s",
                     groups_with, groups_with == 1 ? "" : "s", fmt::join(parts, ", "), checked);
  return out;
}

nlohmann::json findings_list_json(const Assessment& assessment, Severity min_severity) {
  nlohmann::json out = nlohmann::json::array();
  for (const GroupFindings& entry : assessment.groups) {
    for (const Finding* finding : shown(entry, min_severity)) {
      const Group& group = entry.group;
      out.push_back({
          {"severity", to_string(finding->severity)},
          {"code", finding->code},
          {"message", finding->message},
          {"account", entry.scope.account.str()},
          {"region", entry.scope.region.str()},
          {"group", group.id.str()},
          {"group_name", group.name},
          {"vpc", group.vpc ? nlohmann::json(group.vpc->str()) : nlohmann::json(nullptr)},
          {"tags", group.tags},
          {"rule", finding->rule ? rule_to_json(*finding->rule, false) : nlohmann::json(nullptr)},
      });
    }
  }
  return out;
}

// How many findings of the selected groups are at or above `level`, whatever is shown.
size_t count_at_or_above(const Assessment& assessment, Severity level) {
  size_t count = 0;
  for (const GroupFindings& entry : assessment.groups) {
    count += std::count_if(entry.findings.begin(), entry.findings.end(),
                           [level](const Finding& f) { return f.severity >= level; });
  }
  return count;
}

int run_findings(CommandContext& ctx, const FindingsOptions& options) {
  auto selection = selection_from(options);
  if (!selection) return report(ctx, selection.error());
  auto policy = ctx.global.config ? risk_policy_from(*ctx.global.config) : RiskPolicy();
  if (!policy) return report(ctx, policy.error());
  auto store = SqliteStore::open_reader(resolve_store_path(ctx.global));
  if (!store) return report(ctx, store.error());
  auto assessment = assess_store(**store, *selection, *policy);
  if (!assessment) return report(ctx, assessment.error());

  if (ctx.global.output == OutputFormat::kJson) {
    ctx.out << findings_list_json(*assessment, selection->min_severity).dump(2) << "\n";
  } else {
    ctx.out << findings_list_text(*assessment, selection->min_severity);
  }
  if (selection->fail_on) {
    const size_t failing = count_at_or_above(*assessment, *selection->fail_on);
    if (failing > 0) {
      ctx.err << line_start(LogPriority::kError, ctx.global.journal)
              << fmt::format("{} finding{} at {} or above (--fail-on {})\n", failing,
                             failing == 1 ? "" : "s", to_string(*selection->fail_on),
                             to_string(*selection->fail_on));
      return kExitFailure;
    }
  }
  return kExitOk;
}

}  // namespace

Command findings_command() {
  return {
      "findings",
      "Judge every stored group's current rules against the [risk] policy and list the findings "
      "(sensitive ports open to the world, and more)",
      [](CLI::App& app) -> CommandRun {
        auto options = std::make_shared<FindingsOptions>();
        app.add_option("--min-severity", options->min_severity,
                       "The least severe finding shown (info shows everything)")
            ->check(CLI::IsMember(severity_names()))
            ->capture_default_str();
        app.add_option("--fail-on", options->fail_on,
                       "Exit 1 when any finding of the selected groups is at or above this "
                       "severity, shown or not (for CI)")
            ->check(CLI::IsMember(severity_names()));
        app.add_option("--account", options->accounts,
                       "Only this account (repeatable: any of them)");
        app.add_option("--region", options->regions, "Only this region (repeatable: any of them)");
        app.add_option("--tag", options->tags,
                       "Only groups with this tag, KEY=VALUE or KEY for any value (repeatable: all "
                       "of them)");
        app.add_option("--group", options->groups, "Only this group id (repeatable: any of them)");
        return [options](CommandContext& ctx) { return run_findings(ctx, *options); };
      }};
}

}  // namespace sgwatch
