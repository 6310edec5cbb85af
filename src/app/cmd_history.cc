// `sgwatch history GROUP_ID` and `sgwatch show GROUP_ID [--at TIME]`: reading the store.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "app/command.h"
#include "app/render.h"
#include "core/time_format.h"
#include "state/sqlite_store.h"

namespace sgwatch {
namespace {

int run_history(CommandContext& ctx, const std::string& group_text) {
  auto group = GroupId::parse(group_text);
  if (!group) return report(ctx, group.error());
  auto store = SqliteStore::open_reader(resolve_store_path(ctx.global));
  if (!store) return report(ctx, store.error());
  auto revisions = (*store)->history(*group);
  if (!revisions) return report(ctx, revisions.error());
  if (revisions->empty()) {
    return report(ctx, Error{ErrorCode::kNotFound,
                             "no revisions of " + group->str() + " in the store"});
  }
  if (ctx.global.output == OutputFormat::kJson) {
    ctx.out << history_json(*revisions).dump(2) << "\n";
  } else {
    ctx.out << history_text(*revisions, ctx.global.zone);
  }
  return kExitOk;
}

int run_show(CommandContext& ctx, const std::string& group_text, const std::string& at_text) {
  auto group = GroupId::parse(group_text);
  if (!group) return report(ctx, group.error());
  std::optional<Timestamp> at;
  if (!at_text.empty()) {
    auto parsed = parse_time(at_text);
    if (!parsed) return report(ctx, parsed.error().within("--at"));
    at = *parsed;
  }
  auto store = SqliteStore::open_reader(resolve_store_path(ctx.global));
  if (!store) return report(ctx, store.error());
  auto revision = at ? (*store)->revision_at(*group, *at) : (*store)->latest(*group);
  if (!revision) return report(ctx, revision.error());
  if (!*revision) {
    std::string when = at ? " at " + format_utc(*at) + " (first observed later, if at all)" : "";
    return report(ctx, Error{ErrorCode::kNotFound,
                             "no revision of " + group->str() + " in the store" + when});
  }
  Revision& shown = **revision;
  // Attach the rule ids known now: ids are learned after the fact and never change content.
  if (shown.content) {
    auto ids = (*store)->rule_ids(shown.scope, shown.group);
    if (!ids) return report(ctx, ids.error());
    for (Rule& rule : shown.content->rules) {
      if (auto id = ids->find(rule.key_string()); id != ids->end()) rule.id = id->second;
    }
  }
  if (ctx.global.output == OutputFormat::kJson) {
    ctx.out << revision_json(shown).dump(2) << "\n";
  } else {
    ctx.out << revision_text(shown, ctx.global.zone);
  }
  return kExitOk;
}

}  // namespace

Command history_command() {
  return {"history", "List every stored revision of a group with what changed in each",
          [](CLI::App& app) -> CommandRun {
            auto group = std::make_shared<std::string>();
            app.add_option("GROUP_ID", *group, "The security group id (sg-...)")->required();
            return [group](CommandContext& ctx) { return run_history(ctx, *group); };
          }};
}

Command show_command() {
  return {"show", "Print a group's rules as last observed, or as they were at a given time",
          [](CLI::App& app) -> CommandRun {
            auto group = std::make_shared<std::string>();
            auto at = std::make_shared<std::string>();
            app.add_option("GROUP_ID", *group, "The security group id (sg-...)")->required();
            app.add_option("--at", *at, "Show the group as it was at this time (ISO 8601)");
            return [group, at](CommandContext& ctx) { return run_show(ctx, *group, *at); };
          }};
}

}  // namespace sgwatch
