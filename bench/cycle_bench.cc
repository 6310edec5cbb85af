// What one cycle of `sgwatch once` costs, measured as production runs it: sgwatch as its
// own process against the emulator in another, 10,000 groups x 10 rules in one region.
// Reported, not enforced: wall time, sgwatch's CPU time and peak RSS, and the API calls it
// made (counted by the emulator).
//
// - BM_QuietCycle: nothing changed since the previous cycle. Targets: CPU <= 0.19 s, peak
//   RSS <= 50 MB, exactly 10 DescribeSecurityGroups calls (pages of 1000) and one
//   LookupEvents call (the attribution lookup, which finds attempts too), nothing else.
// - BM_ChangedCycle: between the cycles, SGWATCH_BENCH_CHANGES (default 200) calls each
//   add a rule to a different group. The call budget of attribution: ceil(changes / 50)
//   LookupEvents pages, paced at 2 per second (CloudTrail's limit per account and region),
//   plus DescribeSecurityGroupRules for the changed groups; every change attributed.
//
// The region holds N groups in all, its default group included. N is
// SGWATCH_BENCH_QUIET_GROUPS, else a tenth of SGWATCH_BENCH_GROUPS (what the test script
// sets to check the benchmarks still work), else 10,000.
//
// Linux carries a process's peak RSS across exec, so sgwatch's figure is at least this
// harness's own peak: run each benchmark in a process of its own (--benchmark_filter).
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <tl/expected.hpp>

#include "aws/curl_transport.h"
#include "aws/query_client.h"

namespace sgwatch::cycle_bench {
namespace {

namespace fs = std::filesystem;

constexpr char kAccessKeyId[] = "AKIAEMULATORADMIN000";
constexpr char kSecretAccessKey[] = "emulator-admin-secret";
constexpr char kRegion[] = "us-east-1";
constexpr char kDescribeGroups[] = "ec2:DescribeSecurityGroups";
constexpr char kLookupEvents[] = "cloudtrail:LookupEvents";

size_t changes_between_cycles() {
  const char* text = std::getenv("SGWATCH_BENCH_CHANGES");
  return text ? std::strtoul(text, nullptr, 10) : 200;
}

size_t quiet_cycle_groups() {
  if (const char* text = std::getenv("SGWATCH_BENCH_QUIET_GROUPS")) {
    return std::strtoul(text, nullptr, 10);
  }
  if (const char* text = std::getenv("SGWATCH_BENCH_GROUPS")) {
    return std::strtoul(text, nullptr, 10) / 10;
  }
  return 10000;
}

// A fresh directory under TMPDIR (or /tmp), removed with everything in it.
class TempDir {
 public:
  static tl::expected<TempDir, std::string> create() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = fmt::format("{}/sgwatch-quiet-cycle-XXXXXX", base ? base : "/tmp");
    if (mkdtemp(pattern.data()) == nullptr) {
      return tl::unexpected(fmt::format("cannot create a directory like {}", pattern));
    }
    return TempDir(pattern);
  }
  TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir& operator=(TempDir&&) = delete;
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  explicit TempDir(fs::path path) : path_(std::move(path)) {}
  fs::path path_;
};

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// sgwatch-emulator as a child process, seeded from a file; stopped with SIGTERM.
class EmulatorProcess {
 public:
  static tl::expected<std::unique_ptr<EmulatorProcess>, std::string> start(const fs::path& seed) {
    // Close-on-exec, so neither this child nor sgwatch's keeps a copy of either end.
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) return tl::unexpected(std::string("cannot create a pipe"));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    std::vector<std::string> args = {SGWATCH_EMULATOR_BINARY, "--seed", seed.string(),
                                     "--host", "127.0.0.1", "--port", "0", "--id-seed", "1",
                                     "--log-level", "warn"};
    std::vector<std::string> env = {"PATH=/usr/bin:/bin"};
    pid_t pid = 0;
    int spawned = posix_spawn(&pid, args[0].c_str(), &actions, nullptr, c_strings(args).data(),
                              c_strings(env).data());
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    if (spawned != 0) {
      close(out[0]);
      return tl::unexpected(fmt::format("cannot start {}: {}", args[0], std::strerror(spawned)));
    }
    std::unique_ptr<EmulatorProcess> process(new EmulatorProcess(pid, fdopen(out[0], "r")));

    // It prints its endpoint once seeded and serving; EOF means it gave up (its reason
    // is on stderr, which it shares with us).
    char line[256] = {};
    if (std::fgets(line, sizeof line, process->output_) == nullptr) {
      return tl::unexpected(fmt::format("{} exited before it was listening", args[0]));
    }
    const std::string text(line);
    const std::string prefix = "sgwatch-emulator listening on http://127.0.0.1:";
    if (text.rfind(prefix, 0) != 0) {
      return tl::unexpected(fmt::format("{} said '{}', not where it listens", args[0], text));
    }
    process->port_ = std::atoi(text.c_str() + prefix.size());
    process->endpoint_ = fmt::format("http://127.0.0.1:{}", process->port_);
    return process;
  }

  ~EmulatorProcess() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    // Kept open until now: a warning written to a closed pipe would kill the emulator.
    std::fclose(output_);
  }
  EmulatorProcess(const EmulatorProcess&) = delete;
  EmulatorProcess& operator=(const EmulatorProcess&) = delete;

  int port() const { return port_; }
  const std::string& endpoint() const { return endpoint_; }

 private:
  EmulatorProcess(pid_t pid, std::FILE* output) : pid_(pid), output_(output) {}
  pid_t pid_;
  std::FILE* output_;
  int port_ = 0;
  std::string endpoint_;
};

struct ChildCost {
  double wall_s = 0;
  double cpu_s = 0;  // user + system
  double peak_rss_mb = 0;
  // This harness's own peak when sgwatch started: sgwatch's figure cannot be lower.
  double harness_peak_rss_mb = 0;
};

// Runs `sgwatch --store STORE once` with only the environment it needs, its output kept
// in a file for the error message; the costs are of that child alone.
tl::expected<ChildCost, std::string> run_sgwatch_once(const fs::path& dir,
                                                      const std::string& endpoint) {
  const fs::path output = dir / "sgwatch-output.txt";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  std::vector<std::string> args = {SGWATCH_BINARY, "--store", (dir / "store.db").string(),
                                   "once"};
  std::vector<std::string> env = {
      fmt::format("AWS_ENDPOINT_URL={}", endpoint),
      fmt::format("AWS_ACCESS_KEY_ID={}", kAccessKeyId),
      fmt::format("AWS_SECRET_ACCESS_KEY={}", kSecretAccessKey),
      fmt::format("AWS_REGION={}", kRegion),
      "AWS_CONFIG_FILE=/dev/null",
      "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
      "AWS_EC2_METADATA_DISABLED=true",
      fmt::format("HOME={}", dir.string()),
      "PATH=/usr/bin:/bin"};

  rusage harness{};
  getrusage(RUSAGE_SELF, &harness);
  const auto started = std::chrono::steady_clock::now();
  pid_t pid = 0;
  int spawned = posix_spawn(&pid, args[0].c_str(), &actions, nullptr, c_strings(args).data(),
                            c_strings(env).data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    return tl::unexpected(fmt::format("cannot start {}: {}", args[0], std::strerror(spawned)));
  }
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid) {
    return tl::unexpected(fmt::format("cannot wait for {}: {}", args[0], std::strerror(errno)));
  }
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - started;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string how = WIFEXITED(status) ? fmt::format("exited with {}", WEXITSTATUS(status))
                                        : fmt::format("was killed by signal {}", WTERMSIG(status));
    return tl::unexpected(
        fmt::format("`sgwatch once` {}; it said:\n{}", how, read_file(output)));
  }
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  // ru_maxrss is in KiB.
  return ChildCost{wall.count(), seconds(usage.ru_utime) + seconds(usage.ru_stime),
                   static_cast<double>(usage.ru_maxrss) / 1024.0,
                   static_cast<double>(harness.ru_maxrss) / 1024.0};
}

// `count` signed AuthorizeSecurityGroupIngress calls, each on another group of the region,
// as someone changing groups between two cycles would make them.
tl::expected<void, std::string> change_groups(const std::string& endpoint, size_t count) {
  CurlTransport transport{CurlTransportOptions{}};
  SystemClock clock;
  RetryPolicy retries{1};
  EnvLookup env = [&](const std::string& name) -> std::optional<std::string> {
    if (name == "AWS_ENDPOINT_URL") return endpoint;
    return std::nullopt;
  };
  QueryClient client(transport, clock, env, retries, [](std::chrono::milliseconds) {});
  const AwsCredentials credentials{kAccessKeyId, kSecretAccessKey, "", std::nullopt};
  auto listed = client.call({"ec2", kRegion, "DescribeSecurityGroups", "2016-11-15",
                             {{"MaxResults", std::to_string(std::max<size_t>(count, 5))}}},
                            &credentials);
  if (!listed) return tl::unexpected(listed.error().message);
  pugi::xml_document doc;
  if (!doc.load_string(listed->c_str())) return tl::unexpected(std::string("unreadable XML"));
  std::vector<std::string> ids;
  for (const auto& node : doc.select_nodes("//securityGroupInfo/item/groupId")) {
    ids.push_back(node.node().text().get());
  }
  if (ids.size() < count) {
    return tl::unexpected(fmt::format("only {} groups to change, not {}", ids.size(), count));
  }
  for (size_t i = 0; i < count; ++i) {
    auto added = client.call({"ec2", kRegion, "AuthorizeSecurityGroupIngress", "2016-11-15",
                              {{"GroupId", ids[i]},
                               {"IpPermissions.1.IpProtocol", "tcp"},
                               {"IpPermissions.1.FromPort", "8443"},
                               {"IpPermissions.1.ToPort", "8443"},
                               {"IpPermissions.1.IpRanges.1.CidrIp", "192.0.2.0/24"}}},
                             &credentials);
    if (!added) return tl::unexpected(added.error().message);
  }
  return {};
}

tl::expected<void, std::string> reset_calls(int port) {
  httplib::Client client("127.0.0.1", port);
  auto reset = client.Delete("/_emulator/calls");
  if (!reset) {
    return tl::unexpected(
        fmt::format("DELETE /_emulator/calls failed: {}", httplib::to_string(reset.error())));
  }
  if (reset->status != 200 && reset->status != 204) {
    return tl::unexpected(fmt::format("DELETE /_emulator/calls answered {}", reset->status));
  }
  return {};
}

tl::expected<nlohmann::json, std::string> read_calls(int port) {
  httplib::Client client("127.0.0.1", port);
  auto report = client.Get("/_emulator/calls");
  if (!report) {
    return tl::unexpected(
        fmt::format("GET /_emulator/calls failed: {}", httplib::to_string(report.error())));
  }
  nlohmann::json calls = nlohmann::json::parse(report->body, nullptr, false);
  if (report->status != 200 || !calls.is_object() || !calls.contains("calls") ||
      !calls.contains("total")) {
    return tl::unexpected(
        fmt::format("GET /_emulator/calls answered {}: {}", report->status, report->body));
  }
  return calls;
}

// The cycle after a baseline, with `changes` rules added in between.
void measure_cycle(benchmark::State& state, size_t changes) {
  const size_t groups = quiet_cycle_groups();
  if (groups == 0) {
    state.SkipWithError("the region must hold at least its default group");
    return;
  }
  auto dir = TempDir::create();
  if (!dir) {
    state.SkipWithError(dir.error().c_str());
    return;
  }
  // The generated groups and the region's default group make N.
  const nlohmann::json seed = {
      {"regions", {kRegion}},
      {"accounts",
       {{{"id", "111122223333"},
         {"users",
          {{{"name", "admin"},
            {"access_key_id", kAccessKeyId},
            {"secret_access_key", kSecretAccessKey}}}},
         {"generate", {{{"region", kRegion}, {"groups", groups - 1}, {"rules_per_group", 10}}}}}}}};
  const fs::path seed_file = dir->path() / "seed.json";
  std::ofstream(seed_file) << seed.dump();

  auto emulator = EmulatorProcess::start(seed_file);
  if (!emulator) {
    state.SkipWithError(emulator.error().c_str());
    return;
  }
  // The baseline: every group is new, so this cycle records them all.
  if (auto baseline = run_sgwatch_once(dir->path(), (*emulator)->endpoint()); !baseline) {
    state.SkipWithError(fmt::format("baseline cycle: {}", baseline.error()).c_str());
    return;
  }

  if (auto changed = change_groups((*emulator)->endpoint(), changes); !changed) {
    state.SkipWithError(fmt::format("changing groups: {}", changed.error()).c_str());
    return;
  }

  ChildCost cost;
  nlohmann::json calls;
  for (auto _ : state) {
    if (auto reset = reset_calls((*emulator)->port()); !reset) {
      state.SkipWithError(reset.error().c_str());
      break;
    }
    auto measured = run_sgwatch_once(dir->path(), (*emulator)->endpoint());
    if (!measured) {
      state.SkipWithError(fmt::format("measured cycle: {}", measured.error()).c_str());
      break;
    }
    cost = *measured;
    state.SetIterationTime(cost.wall_s);
    auto counted = read_calls((*emulator)->port());
    if (!counted) {
      state.SkipWithError(counted.error().c_str());
      break;
    }
    calls = std::move(*counted);
  }
  if (state.error_occurred()) return;

  // Each attributed change names its caller on a line of its own.
  const std::string output = read_file(dir->path() / "sgwatch-output.txt");
  size_t attributed = 0;
  for (size_t at = output.find("\n  by "); at != std::string::npos;
       at = output.find("\n  by ", at + 1)) {
    ++attributed;
  }
  const double describe = calls["calls"].value(kDescribeGroups, 0.0);
  const double lookups = calls["calls"].value(kLookupEvents, 0.0);
  state.counters["groups"] = static_cast<double>(groups);
  state.counters["changes"] = static_cast<double>(changes);
  state.counters["attributed"] = static_cast<double>(attributed);
  state.counters["lookup_calls"] = lookups;
  state.counters["cpu_s"] = cost.cpu_s;
  state.counters["peak_rss_mb"] = cost.peak_rss_mb;
  state.counters["describe_sg_calls"] = describe;
  state.counters["other_calls"] = calls["total"].get<double>() - describe - lookups;
  // Which other calls, so a surprise needs no second run to explain.
  std::string others;
  for (const auto& [key, count] : calls["calls"].items()) {
    if (key == kDescribeGroups || key == kLookupEvents) continue;
    others += fmt::format("{}{}={}", others.empty() ? "" : " ", key, count.dump());
  }
  std::string label = others.empty() ? "" : fmt::format("other calls: {}", others);
  if (cost.peak_rss_mb <= cost.harness_peak_rss_mb) {
    label += fmt::format("{}peak_rss_mb is this harness's own peak, not sgwatch's: run "
                         "the benchmark alone",
                         label.empty() ? "" : "; ");
  }
  if (!label.empty()) state.SetLabel(label);
}
void BM_QuietCycle(benchmark::State& state) { measure_cycle(state, 0); }
void BM_ChangedCycle(benchmark::State& state) {
  // A small run (the test script's) has fewer groups than changes.
  measure_cycle(state, std::min(changes_between_cycles(), quiet_cycle_groups()));
}

BENCHMARK(BM_QuietCycle)->Unit(benchmark::kMillisecond)->Iterations(1)->UseManualTime();
BENCHMARK(BM_ChangedCycle)->Unit(benchmark::kMillisecond)->Iterations(1)->UseManualTime();

}  // namespace
}  // namespace sgwatch::cycle_bench
