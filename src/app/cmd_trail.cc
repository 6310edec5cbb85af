// `sgwatch trail show FILE...`: the security-group API calls in CloudTrail files (log
// files, LookupEvents output, EventBridge events), oldest first.
#include <fnmatch.h>

#include <algorithm>
#include <set>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/command.h"
#include "app/log_output.h"
#include "app/read_input.h"
#include "core/group_json.h"
#include "core/time_format.h"
#include "core/warning_cap.h"
#include "trail/record_containers.h"
#include "trail/record_parser.h"

namespace sgwatch {
namespace {

struct TrailShowOptions {
  std::vector<std::string> files;
  std::vector<std::string> groups;
  std::string actor;
  std::string since;
  std::string until;
  bool attempts_only = false;
};

struct Filter {
  std::set<GroupId> groups;
  std::string actor;
  std::optional<Timestamp> since, until;
  bool attempts_only = false;

  bool matches(const ApiCall& call) const {
    if (attempts_only && !call.attempt()) return false;
    if (since && call.event_time < *since) return false;
    if (until && call.event_time > *until) return false;
    if (!groups.empty() &&
        std::none_of(call.effects.begin(), call.effects.end(),
                     [&](const GroupEffect& effect) { return groups.count(effect.group) > 0; })) {
      return false;
    }
    if (!actor.empty()) {
      auto match = [&](const std::string& text) {
        return !text.empty() && fnmatch(actor.c_str(), text.c_str(), 0) == 0;
      };
      if (!match(call.actor.arn) && !match(call.actor.user_name)) return false;
    }
    return true;
  }
};

// "+" for rules a call adds, "-" for rules it removes, "~" for rules it changes.
const char* rule_sign(std::string_view event) {
  if (event.starts_with("Authorize")) return "+";
  if (event.starts_with("Revoke")) return "-";
  return "~";
}

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

std::string tag_text(const TagChange& tag) {
  if (tag.after) return "tag " + tag.key + " = " + quoted(*tag.after);
  if (tag.before) return "tag " + tag.key + " = " + quoted(*tag.before) + " removed";
  return "tag " + tag.key + " removed";
}

std::string call_text(const ApiCall& call, const DisplayZone& zone) {
  std::string out = fmt::format("{}  {}", zone.format(call.event_time), call.event_name);
  out += fmt::format("  {}/{}\n", call.account ? call.account->str() : "?",
                     call.region ? call.region->str() : "?");
  const Actor& actor = call.actor;
  std::string who = actor.arn.empty() ? actor.invoked_by : actor.arn;
  out += fmt::format("  actor: {} ({})\n", who.empty() ? "?" : who,
                     actor.type.empty() ? "unknown type" : actor.type);
  out += fmt::format("  from: {}  agent: {} ({})\n", call.source_ip.empty() ? "?" : call.source_ip,
                     to_string(call.agent), call.user_agent);
  out += "  event: " + call.event_id + "\n";
  if (call.attempt()) {
    out += "  ATTEMPT (" + call.error_code +
           (call.error_message.empty() ? "" : ": " + call.error_message) + ")\n";
  }
  if (call.event_name == "CreateSecurityGroup") {
    out += fmt::format("  group name {}, description {}, vpc {}\n", quoted(call.group_name),
                       quoted(call.group_description), call.vpc ? call.vpc->str() : "(none)");
  } else if (call.effects.empty() && !call.group_name.empty()) {
    out += "  group named " + quoted(call.group_name) + "\n";
  }
  if (call.vpc && call.event_name != "CreateSecurityGroup") {
    out += "  vpc: " + call.vpc->str() + "\n";
  }
  const char* sign = rule_sign(call.event_name);
  for (const GroupEffect& effect : call.effects) {
    out += "  " + effect.group.str() + "\n";
    for (const Rule& rule : effect.rules) {
      std::string line = std::string("    ") + sign + " " + rule.summary();
      if (!rule.description.empty()) line += "  " + quoted(rule.description);
      if (rule.id) line += "  [" + rule.id->str() + "]";
      out += line + "\n";
    }
    for (const auto& entry : effect.id_descriptions) {
      out += "    ~ " + entry.id.str() + ": description " + quoted(entry.description) + "\n";
    }
    std::string ids;
    for (const RuleId& id : effect.rule_ids) {
      bool shown = std::any_of(effect.rules.begin(), effect.rules.end(),
                               [&](const Rule& rule) { return rule.id == id; });
      if (!shown) ids += " " + id.str();
    }
    if (!ids.empty()) out += "    rules:" + ids + "\n";
    for (const TagChange& tag : effect.tags) out += "    ~ " + tag_text(tag) + "\n";
  }
  for (const RuleId& rule : call.tagged_rules) {
    out += "  " + rule.str() + " (rule)\n";
    for (const TagChange& tag : call.rule_tags) out += "    ~ " + tag_text(tag) + "\n";
  }
  for (const std::string& note : call.notes) out += "  note: " + note + "\n";
  return out;
}

nlohmann::json optional_text(const std::optional<std::string>& text) {
  return text ? nlohmann::json(*text) : nlohmann::json(nullptr);
}

nlohmann::json tags_json(const std::vector<TagChange>& tags) {
  nlohmann::json out = nlohmann::json::array();
  for (const TagChange& tag : tags) {
    out.push_back({{"key", tag.key}, {"before", optional_text(tag.before)},
                   {"after", optional_text(tag.after)}});
  }
  return out;
}

nlohmann::json trail_call_json(const ApiCall& call) {
  nlohmann::json effects = nlohmann::json::array();
  for (const GroupEffect& effect : call.effects) {
    nlohmann::json rules = nlohmann::json::array(), ids = nlohmann::json::array(),
                   descriptions = nlohmann::json::array();
    for (const Rule& rule : effect.rules) rules.push_back(rule_to_json(rule, true));
    for (const RuleId& id : effect.rule_ids) ids.push_back(id.str());
    for (const auto& entry : effect.id_descriptions) {
      descriptions.push_back({{"rule_id", entry.id.str()}, {"description", entry.description}});
    }
    effects.push_back({{"group_id", effect.group.str()},
                       {"rules", rules},
                       {"rule_ids", ids},
                       {"rule_descriptions", descriptions},
                       {"tags", tags_json(effect.tags)}});
  }
  nlohmann::json tagged_rules = nlohmann::json::array();
  for (const RuleId& id : call.tagged_rules) tagged_rules.push_back(id.str());
  const Actor& actor = call.actor;
  return {
      {"event_id", call.event_id},
      {"event_time", format_utc(call.event_time)},
      {"event_name", call.event_name},
      {"event_source", call.event_source},
      {"account", call.account ? nlohmann::json(call.account->str()) : nullptr},
      {"region", call.region ? nlohmann::json(call.region->str()) : nullptr},
      {"actor",
       {{"type", actor.type},
        {"arn", actor.arn},
        {"principal_id", actor.principal_id},
        {"account_id", actor.account_id},
        {"access_key_id", actor.access_key_id},
        {"user_name", actor.user_name},
        {"session_issuer_arn", actor.session_issuer_arn},
        {"session_issuer_name", actor.session_issuer_name},
        {"invoked_by", actor.invoked_by}}},
      {"source_ip", call.source_ip},
      {"user_agent", call.user_agent},
      {"agent", to_string(call.agent)},
      {"attempt", call.attempt()},
      {"error_code", call.error_code},
      {"error_message", call.error_message},
      {"request_id", call.request_id},
      {"group_name", call.group_name},
      {"group_description", call.group_description},
      {"vpc", call.vpc ? nlohmann::json(call.vpc->str()) : nullptr},
      {"effects", effects},
      {"tagged_rules", tagged_rules},
      {"rule_tags", tags_json(call.rule_tags)},
      {"notes", call.notes},
  };
}

int run_trail_show(CommandContext& ctx, const TrailShowOptions& options) {
  Filter filter;
  for (const std::string& text : options.groups) {
    auto group = GroupId::parse(text);
    if (!group) return report(ctx, group.error().within("--group"));
    filter.groups.insert(*group);
  }
  filter.actor = options.actor;
  filter.attempts_only = options.attempts_only;
  for (auto [flag, text, out] : {std::tuple{"--since", &options.since, &filter.since},
                                 std::tuple{"--until", &options.until, &filter.until}}) {
    if (text->empty()) continue;
    auto parsed = parse_time(*text);
    if (!parsed) return report(ctx, parsed.error().within(flag));
    *out = *parsed;
  }

  std::vector<ApiCall> shown;
  size_t records = 0, security_group_calls = 0, other_calls = 0, unusable = 0;
  bool any_file_failed = false;
  WarningCap warnings;  // across every file: a month of logs shares its problems
  for (const std::string& file : options.files) {
    const std::string name = file == "-" ? "standard input" : file;
    auto bytes = read_input(file);
    auto read = bytes ? read_trail_document(*bytes, RecordDetail::kSecurityGroupCalls)
                      : Result<TrailRead>(tl::unexpected(bytes.error()));
    if (!read) {
      write_diagnostic(ctx.err, LogPriority::kError,
                       (bytes ? name + ": " : "") + read.error().message, ctx.global.journal);
      any_file_failed = true;
      continue;
    }
    records += read->records;
    unusable += read->problems.size();
    for (const RecordProblem& problem : read->problems) {
      if (!warnings.admit(problem.kind)) continue;
      write_diagnostic(ctx.err, LogPriority::kWarning, name + ": " + problem.message,
                       ctx.global.journal);
    }
    for (ApiCall& call : read->calls) {
      if (!is_security_group_call(call)) {
        ++other_calls;
        continue;
      }
      ++security_group_calls;
      if (filter.matches(call)) shown.push_back(std::move(call));
    }
  }
  std::stable_sort(shown.begin(), shown.end(), [](const ApiCall& a, const ApiCall& b) {
    return a.event_time < b.event_time;
  });

  if (ctx.global.output == OutputFormat::kJson) {
    nlohmann::json out = nlohmann::json::array();
    for (const ApiCall& call : shown) out.push_back(trail_call_json(call));
    ctx.out << out.dump(2) << "\n";
  } else {
    for (size_t i = 0; i < shown.size(); ++i) {
      if (i > 0) ctx.out << "\n";
      ctx.out << call_text(shown[i], ctx.global.zone);
    }
  }
  for (const std::string& summary : warnings.summaries()) {
    write_diagnostic(ctx.err, LogPriority::kWarning, summary, ctx.global.journal);
  }
  ctx.err << line_start(LogPriority::kInfo, ctx.global.journal)
          << fmt::format(
                 "{} records read: {} security-group calls ({} shown), {} other calls skipped, "
                 "{} unusable\n",
                 records, security_group_calls, shown.size(), other_calls, unusable);
  return any_file_failed ? kExitFailure : kExitOk;
}

}  // namespace

Command trail_command() {
  return {"trail", "Read CloudTrail records: `trail show FILE...` lists the security-group calls",
          [](CLI::App& app) -> CommandRun {
            app.require_subcommand(1);
            CLI::App* show = app.add_subcommand(
                "show",
                "Print the security-group API calls in CloudTrail log files (plain or gzip), "
                "LookupEvents output or EventBridge events, oldest first");
            auto options = std::make_shared<TrailShowOptions>();
            show->add_option("FILE", options->files, "Files to read ('-' for standard input)")
                ->required();
            show->add_option("--group", options->groups,
                             "Only calls touching this group (sg-...); repeatable")
                ->allow_extra_args(false);
            show->add_option("--actor", options->actor,
                             "Only calls whose actor ARN or user name matches this glob");
            show->add_option("--since", options->since, "Only calls at or after this time");
            show->add_option("--until", options->until, "Only calls at or before this time");
            show->add_flag("--attempts-only", options->attempts_only,
                           "Only failed calls (attempts)");
            return [options](CommandContext& ctx) { return run_trail_show(ctx, *options); };
          }};
}

}  // namespace sgwatch
