// `sgwatch outbox`: the alerts not delivered yet (pending, with their next try) and those
// given up (failed, with the reason); `sgwatch outbox retry ID...` sends given-up or waiting
// alerts at the next delivery pass (the next `once`, or a running `watch` once it restarts:
// the store has one writer at a time).
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/command.h"
#include "core/time_format.h"
#include "state/sqlite_store.h"

namespace sgwatch {
namespace {

struct OutboxOptions {
  bool all = false;
  std::string destination;
  std::vector<std::string> retry_ids;
};

nlohmann::json entry_json(const OutboxEntry& entry) {
  const Alert& alert = entry.alert;
  return {{"id", alert.id},
          {"destination", alert.destination},
          {"kind", to_string(alert.kind)},
          {"account", alert.scope.account.str()},
          {"region", alert.scope.region.str()},
          {"group_id", alert.group ? nlohmann::json(alert.group->str()) : nlohmann::json()},
          {"revisions", alert.revisions},
          {"severity", alert.severity ? nlohmann::json(to_string(*alert.severity)) : nlohmann::json()},
          {"recipients", alert.recipients},
          {"state", to_string(entry.state)},
          {"attempts", entry.attempts},
          {"created_at", format_utc(alert.created_at)},
          {"next_attempt_at", entry.state == AlertState::kPending
                                  ? nlohmann::json(format_utc(entry.next_attempt_at))
                                  : nlohmann::json()},
          {"delivered_at", entry.delivered_at ? nlohmann::json(format_utc(*entry.delivered_at))
                                              : nlohmann::json()},
          {"last_error", entry.last_error}};
}

std::string entry_text(const OutboxEntry& entry, const DisplayZone& zone) {
  const Alert& alert = entry.alert;
  std::string line = fmt::format("{} {:<9} to '{}': {}{} in {}, created {}", alert.id,
                                 to_string(entry.state), alert.destination, to_string(alert.kind),
                                 alert.group ? " of " + alert.group->str() : "", alert.scope.str(),
                                 zone.format(alert.created_at));
  if (entry.state == AlertState::kDelivered && entry.delivered_at) {
    line += ", delivered " + zone.format(*entry.delivered_at);
  } else if (entry.attempts == 0) {
    line += ", not tried yet";
  } else {
    line += fmt::format(", {} attempt{}", entry.attempts, entry.attempts == 1 ? "" : "s");
    if (entry.state == AlertState::kPending) {
      line += ", next " + zone.format(entry.next_attempt_at);
    }
  }
  if (!entry.last_error.empty() && entry.state != AlertState::kDelivered) {
    line += ": " + entry.last_error;
  }
  return line + "\n";
}

int list_outbox(CommandContext& ctx, const OutboxOptions& options) {
  auto store = SqliteStore::open_reader(resolve_store_path(ctx.global));
  if (!store) return report(ctx, store.error());
  OutboxQuery query;
  if (!options.destination.empty()) query.destination = options.destination;
  if (!options.all) query.states = {AlertState::kPending, AlertState::kFailed};
  auto entries = (*store)->outbox(query);
  if (!entries) return report(ctx, entries.error());
  if (ctx.global.output == OutputFormat::kJson) {
    nlohmann::json list = nlohmann::json::array();
    for (const OutboxEntry& entry : *entries) list.push_back(entry_json(entry));
    ctx.out << list.dump(2) << "\n";
    return kExitOk;
  }
  for (const OutboxEntry& entry : *entries) ctx.out << entry_text(entry, ctx.global.zone);
  if (entries->empty()) {
    ctx.out << (options.all ? "The outbox is empty.\n"
                            : "Nothing waiting: every alert was delivered.\n");
  }
  return kExitOk;
}

int retry_alerts(CommandContext& ctx, const OutboxOptions& options) {
  auto store = SqliteStore::open_writer(resolve_store_path(ctx.global));
  if (!store) return report(ctx, store.error());
  std::vector<DeliveryRecord> records;
  for (const std::string& id : options.retry_ids) {
    OutboxQuery query;
    query.id = id;
    auto found = (*store)->outbox(query);
    if (!found) return report(ctx, found.error());
    if (found->empty()) return report(ctx, Error{ErrorCode::kNotFound, "there is no alert '" + id + "' in the outbox"});
    const OutboxEntry& entry = found->front();
    records.push_back({id, AlertState::kPending, entry.attempts, ctx.clock.now(),
                       entry.last_error, std::nullopt});
  }
  if (auto kept = (*store)->record_deliveries(records); !kept) return report(ctx, kept.error());
  for (const std::string& id : options.retry_ids) {
    ctx.out << fmt::format("Alert {} will be sent at the next delivery pass.\n", id);
  }
  return kExitOk;
}

}  // namespace

Command outbox_command() {
  return {"outbox",
          "List the alerts waiting for delivery or given up (`outbox retry ID` sends one "
          "again)",
          [](CLI::App& app) -> CommandRun {
            auto options = std::make_shared<OutboxOptions>();
            app.add_flag("--all", options->all, "Also list the alerts already delivered");
            app.add_option("--destination", options->destination, "Only this destination");
            CLI::App* retry = app.add_subcommand(
                "retry", "Send these alerts again at the next delivery pass, even if given up");
            retry->add_option("ID", options->retry_ids, "Alert ids, as `sgwatch outbox` shows")
                ->required();
            return [options, retry](CommandContext& ctx) {
              return retry->parsed() ? retry_alerts(ctx, *options) : list_outbox(ctx, *options);
            };
          }};
}

}  // namespace sgwatch
