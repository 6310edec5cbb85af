// `sgwatch ingest FILE --account ID --region R`: records what `aws ec2
// describe-security-groups` printed as a snapshot and prints the diff.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "app/command.h"
#include "app/ingest_report.h"
#include "app/read_input.h"
#include "app/snapshot_input.h"
#include "core/time_format.h"
#include "state/sqlite_store.h"

namespace sgwatch {
namespace {

struct IngestOptions {
  std::string file;
  std::string rules_file;
  std::string account;
  std::string region;
  std::string observed_at;
  bool partial = false;
};

int run_ingest(CommandContext& ctx, const IngestOptions& options) {
  auto account = AccountId::parse(options.account);
  if (!account) return report(ctx, account.error().within("--account"));
  auto region = Region::parse(options.region);
  if (!region) return report(ctx, region.error().within("--region"));
  Timestamp observed_at = ctx.clock.now();
  if (!options.observed_at.empty()) {
    auto parsed = parse_time(options.observed_at);
    if (!parsed) return report(ctx, parsed.error().within("--observed-at"));
    observed_at = *parsed;
  }

  SnapshotDocuments documents;
  auto groups_json = read_input(options.file);
  if (!groups_json) return report(ctx, groups_json.error());
  documents.groups_json = std::move(*groups_json);
  documents.groups_source = options.file == "-" ? "standard input" : options.file;
  if (!options.rules_file.empty()) {
    auto rules_json = read_input(options.rules_file);
    if (!rules_json) return report(ctx, rules_json.error());
    documents.rules_json = std::move(*rules_json);
    documents.rules_source = options.rules_file;
  }
  // Everything is parsed and validated before the store is opened: bad input writes nothing.
  auto snapshot =
      snapshot_from_documents(documents, Scope{*account, *region}, observed_at, options.partial);
  if (!snapshot) return report(ctx, snapshot.error());

  const std::string store_path = resolve_store_path(ctx.global);
  auto store = SqliteStore::open_writer(store_path);
  if (!store) return report(ctx, store.error());
  auto result = record_snapshot(**store, *snapshot);
  if (!result) return report(ctx, result.error());
  spdlog::debug("Recorded the snapshot in '{}'.", store_path);

  if (ctx.global.output == OutputFormat::kJson) {
    ctx.out << record_json(*snapshot, *result).dump(2) << "\n";
  } else {
    ctx.out << record_text(*snapshot, *result);
  }
  return kExitOk;
}

}  // namespace

Command ingest_command() {
  return {"ingest",
          "Record the JSON printed by `aws ec2 describe-security-groups` as a snapshot of one "
          "account and region, and print what changed",
          [](CLI::App& app) -> CommandRun {
            auto options = std::make_shared<IngestOptions>();
            app.add_option("FILE", options->file,
                           "describe-security-groups output ('-' for standard input)")
                ->required();
            app.add_option("--account", options->account, "The account id the file is from")
                ->required();
            app.add_option("--region", options->region, "The region the file is from")
                ->required();
            app.add_flag("--partial", options->partial,
                         "The file lists only some groups: groups absent from it are not "
                         "taken as deleted");
            app.add_option("--rules", options->rules_file,
                           "describe-security-group-rules output, to learn rule ids");
            app.add_option("--observed-at", options->observed_at,
                           "When the snapshot was taken (ISO 8601; default: now)");
            return [options](CommandContext& ctx) { return run_ingest(ctx, *options); };
          }};
}

}  // namespace sgwatch
