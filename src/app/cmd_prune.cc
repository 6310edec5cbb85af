// `sgwatch prune [--dry-run]`: removes from the store what [retention] lets go and shrinks
// the file. `sgwatch watch` does the same once a day, so this is for stores no watch runs
// on, or to see (--dry-run) what retention would take. Like every writer it needs the
// store's lock: while a watch runs, that watch prunes.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/command.h"
#include "app/retention_config.h"
#include "core/duration.h"
#include "state/sqlite_store.h"

namespace sgwatch {
namespace {

nlohmann::json policy_json(const RetentionPolicy& policy) {
  auto age = [](const std::optional<std::chrono::milliseconds>& kept) {
    return kept ? nlohmann::json(format_duration(*kept)) : nlohmann::json("forever");
  };
  return {{"revisions", age(policy.revisions)},
          {"events", age(policy.events)},
          {"delivered_alerts", age(policy.delivered_alerts)},
          {"snapshots", age(policy.snapshots)}};
}

nlohmann::json counts_json(const PruneCounts& counts, const RetentionPolicy& policy,
                           bool dry_run) {
  return {{"dry_run", dry_run},
          {"policy", policy_json(policy)},
          {"removed",
           {{"revisions", counts.revisions},
            {"changes", counts.changes},
            {"rule_ids", counts.rule_ids},
            {"trail_events", counts.events},
            {"sns_messages", counts.sns_messages},
            {"config_states", counts.config_states},
            {"alerts", counts.alerts},
            {"snapshots", counts.snapshots}}},
          {"bytes_before", counts.bytes_before},
          {"bytes_after", counts.bytes_after},
          {"vacuumed", counts.vacuumed}};
}

std::string counts_text(const PruneCounts& counts, bool dry_run) {
  const std::pair<const char*, int64_t> rows[] = {
      {"revisions", counts.revisions},     {"changes", counts.changes},
      {"rule ids", counts.rule_ids},       {"CloudTrail records", counts.events},
      {"SNS message ids", counts.sns_messages}, {"Config item states", counts.config_states},
      {"delivered or given-up alerts", counts.alerts}, {"snapshot records", counts.snapshots}};
  std::string text = dry_run ? "A prune now would remove:\n" : "Pruned:\n";
  for (const auto& [what, count] : rows) text += fmt::format("  {:>8}  {}\n", count, what);
  if (dry_run) return text + "Nothing was removed (--dry-run).\n";
  text += fmt::format("The store went from {} to {} bytes{}.\n", counts.bytes_before,
                      counts.bytes_after, counts.vacuumed ? " (rewritten by VACUUM)" : "");
  return text;
}

int run_prune(CommandContext& ctx, bool dry_run) {
  auto policy = retention_policy_from(*ctx.global.config);
  if (!policy) return report(ctx, policy.error());
  auto store = SqliteStore::open_writer(resolve_store_path(ctx.global));
  if (!store) return report(ctx, store.error());
  const Timestamp now = ctx.clock.now();
  auto counts = dry_run ? (*store)->preview_prune(*policy, now) : (*store)->prune(*policy, now);
  if (!counts) return report(ctx, counts.error());
  if (ctx.global.output == OutputFormat::kJson) {
    ctx.out << counts_json(*counts, *policy, dry_run).dump(2) << "\n";
  } else {
    ctx.out << counts_text(*counts, dry_run);
  }
  return kExitOk;
}

}  // namespace

Command prune_command() {
  return {"prune",
          "Remove what [retention] lets go from the store and shrink it (`watch` does this "
          "daily)",
          [](CLI::App& app) -> CommandRun {
            auto dry_run = std::make_shared<bool>(false);
            app.add_flag("--dry-run", *dry_run, "Count what would go; remove nothing");
            return [dry_run](CommandContext& ctx) { return run_prune(ctx, *dry_run); };
          }};
}

}  // namespace sgwatch
