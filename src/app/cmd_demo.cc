// `sgwatch demo`: the main job end to end on embedded data, in a temporary store. Each
// later capability (the emulator, attribution, risk, alerts) extends this same demo.
#include <stdlib.h>

#include <filesystem>

#include <fmt/format.h>

#include "app/command.h"
#include "app/embedded_files.h"
#include "app/ingest_report.h"
#include "app/snapshot_input.h"
#include "core/time_format.h"
#include "state/sqlite_store.h"

namespace sgwatch {
namespace {

constexpr const char* kAccount = "111122223333";
constexpr const char* kRegion = "eu-west-1";
constexpr const char* kWatchedGroup = "sg-0a1b2c3d4e5f60001";

struct DemoOptions {
  bool keep = false;
};

// A directory that is removed with everything in it when this object goes away, unless
// it is released.
class TemporaryDirectory {
 public:
  static Result<TemporaryDirectory> create() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/sgwatch-demo-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      return fail(ErrorCode::kIo, "cannot create a temporary directory from '" + pattern + "'");
    }
    return TemporaryDirectory(pattern);
  }
  TemporaryDirectory(TemporaryDirectory&& other) noexcept : path_(std::move(other.path_)) {
    other.path_.clear();
  }
  ~TemporaryDirectory() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }
  void release() { path_.clear(); }

 private:
  explicit TemporaryDirectory(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

struct DemoStep {
  Snapshot snapshot;
  RecordResult result;
};

Result<DemoStep> record_embedded(Store& store, const char* file, Timestamp at) {
  SnapshotDocuments documents{std::string(embedded_file(file)), file, std::nullopt, ""};
  Scope scope{AccountId::parse(kAccount).value(), Region::parse(kRegion).value()};
  auto snapshot = snapshot_from_documents(documents, scope, at, /*partial=*/false);
  if (!snapshot) return tl::unexpected(snapshot.error());
  auto result = record_snapshot(store, *snapshot);
  if (!result) return tl::unexpected(result.error());
  return DemoStep{std::move(*snapshot), std::move(*result)};
}

int run_demo(CommandContext& ctx, const DemoOptions& options) {
  auto directory = TemporaryDirectory::create();
  if (!directory) return report(ctx, directory.error());
  const std::string store_path = ctx.global.store_path.empty()
                                     ? directory->path() + "/sgwatch.db"
                                     : ctx.global.store_path;
  auto store = SqliteStore::open_writer(store_path);
  if (!store) return report(ctx, store.error());

  // Whole seconds read better in a demo.
  const Timestamp now = std::chrono::floor<std::chrono::seconds>(ctx.clock.now());
  const Timestamp before_at = now - std::chrono::minutes(5);
  auto baseline = record_embedded(**store, "before.json", before_at);
  if (!baseline) return report(ctx, baseline.error());
  auto change = record_embedded(**store, "after.json", now);
  if (!change) return report(ctx, change.error());
  const GroupId watched = GroupId::parse(kWatchedGroup).value();
  auto history = (*store)->history(watched);
  if (!history) return report(ctx, history.error());

  if (ctx.global.output == OutputFormat::kJson) {
    nlohmann::json out = {{"baseline", record_json(baseline->snapshot, baseline->result)},
                          {"change", record_json(change->snapshot, change->result)},
                          {"history", history_json(*history)}};
    ctx.out << out.dump(2) << "\n";
  } else {
    ctx.out << fmt::format(
        "sgwatch demo: account {} in {} is shared by departments A and B.\n\n"
        "1. The first snapshot becomes the baseline.\n{}\n"
        "2. Five minutes later department B has opened RDP on department A's group.\n{}\n"
        "3. The stored history of {}:\n{}",
        kAccount, kRegion, record_text(baseline->snapshot, baseline->result),
        record_text(change->snapshot, change->result),
        kWatchedGroup, history_text(*history));
  }
  if (options.keep && ctx.global.store_path.empty()) {
    directory->release();
    ctx.err << "The demo store is kept at " << store_path << "; try: sgwatch --store "
            << store_path << " show " << kWatchedGroup << " --at " << format_utc(before_at)
            << "\n";
  }
  return kExitOk;
}

}  // namespace

Command demo_command() {
  return {"demo",
          "Show sgwatch at work on built-in data: a baseline, department B opening RDP to the "
          "world on department A's group, the diff and the history",
          [](CLI::App& app) -> CommandRun {
            auto options = std::make_shared<DemoOptions>();
            app.add_flag("--keep", options->keep,
                         "Keep the temporary store and print its path, to explore it with "
                         "history and show");
            return [options](CommandContext& ctx) { return run_demo(ctx, *options); };
          }};
}

}  // namespace sgwatch
