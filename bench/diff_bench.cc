// Canonicalise and diff a large account: two snapshots of N groups x 10 rules each, from
// EC2's IpPermissions shape (raw strings, as a parser produces them) to canonical groups,
// then a rule-level diff of every group. Targets for N = 100,000: <= 1 s, <= 400 MB.
//
// SGWATCH_BENCH_GROUPS overrides N (CI runs it small to check it still works).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/diff.h"
#include "core/group.h"
#include "core/ip_permission.h"

namespace sgwatch::diff_bench {
namespace {

struct RawGroup {
  std::string id, name, description, vpc, owner;
  std::vector<IpPermission> ingress, egress;
};

size_t group_count() {
  const char* text = std::getenv("SGWATCH_BENCH_GROUPS");
  return text ? std::strtoul(text, nullptr, 10) : 100000;
}

std::string hex_id(const char* prefix, uint64_t n) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%s%017llx", prefix, static_cast<unsigned long long>(n));
  return buffer;
}

// Ten rules per group in realistic shapes: tcp services from office /24s, an IPv6 range, a
// reference to another group, all-traffic egress.
RawGroup make_group(uint64_t n, std::mt19937_64& random) {
  RawGroup g{hex_id("sg-", n), "group-" + std::to_string(n), "workload " + std::to_string(n),
             hex_id("vpc-", n % 50), "123456789012", {}, {}};
  const int ports[] = {22, 80, 443, 3306, 5432, 6379, 8080, 9000};
  for (int i = 0; i < 7; ++i) {
    IpPermission p;
    p.ip_protocol = "tcp";
    p.from_port = p.to_port = ports[random() % 8] + i * 1000;
    p.ipv4_ranges.push_back({"10." + std::to_string(random() % 256) + "." +
                                 std::to_string(random() % 256) + ".0/24",
                             "office network " + std::to_string(i)});
    g.ingress.push_back(std::move(p));
  }
  IpPermission v6;
  v6.ip_protocol = "tcp";
  v6.from_port = v6.to_port = 443;
  v6.ipv6_ranges.push_back({"2001:db8:" + std::to_string(random() % 9999) + "::/48", "v6 clients"});
  g.ingress.push_back(std::move(v6));
  IpPermission ref;
  ref.ip_protocol = "tcp";
  ref.from_port = 0;
  ref.to_port = 65535;
  ref.group_pairs.push_back({hex_id("sg-", (n + 1) * 7), "123456789012", {}, {}, "peer tier"});
  g.ingress.push_back(std::move(ref));
  IpPermission out;
  out.ip_protocol = "-1";
  out.ipv4_ranges.push_back({"0.0.0.0/0", ""});
  g.egress.push_back(std::move(out));
  return g;
}

struct GroupIdHash {
  size_t operator()(const GroupId& id) const { return std::hash<std::string_view>()(id.view()); }
};

Group canonical(const RawGroup& raw) {
  Group g{GroupId::parse(raw.id).value(), raw.name, raw.description,
          VpcId::parse(raw.vpc).value(), AccountId::parse(raw.owner).value(), {}, {}};
  g.rules = to_rules(raw.ingress, Direction::kIngress, "IpPermissions").value();
  auto egress = to_rules(raw.egress, Direction::kEgress, "IpPermissionsEgress").value();
  g.rules.insert(g.rules.end(), egress.begin(), egress.end());
  canonicalize(g);
  return g;
}

// A memory figure from /proc/self/status ("VmRSS", "VmHWM"), in MB.
double status_mb(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      return std::strtod(line.c_str() + field.size() + 1, nullptr) / 1024.0;
    }
  }
  return 0;
}
double current_rss_mb() { return status_mb("VmRSS"); }
// Peak resident memory since the last reset_peak_rss().
double peak_rss_mb() { return status_mb("VmHWM"); }
// Resets VmHWM to the current RSS, so a peak measures one phase, not the setup before it.
void reset_peak_rss() { std::ofstream("/proc/self/clear_refs") << "5"; }

void BM_CanonicaliseAndDiff(benchmark::State& state) {
  const size_t n = group_count();
  std::mt19937_64 random(42);
  std::vector<RawGroup> before, after;
  before.reserve(n);
  for (size_t i = 0; i < n; ++i) before.push_back(make_group(i, random));
  after = before;
  // 1% of groups change: a rule added, a rule removed, or a description edited.
  for (size_t i = 0; i < n; i += 100) {
    switch ((i / 100) % 3) {
      case 0: after[i].ingress[0].from_port = after[i].ingress[0].to_port = 3389; break;
      case 1: after[i].ingress.pop_back(); break;
      case 2: after[i].ingress[1].ipv4_ranges[0].description = "edited"; break;
    }
  }
  // EC2 may return groups in another order: the second snapshot is shuffled.
  std::shuffle(after.begin(), after.end(), random);

  size_t changes = 0;
  const double input_mb = current_rss_mb();
  reset_peak_rss();
  for (auto _ : state) {
    std::unordered_map<GroupId, Group, GroupIdHash> previous;
    previous.reserve(n);
    for (const RawGroup& raw : before) {
      Group group = canonical(raw);
      GroupId id = group.id;
      previous.emplace(id, std::move(group));
    }
    changes = 0;
    for (const RawGroup& raw : after) {
      Group current = canonical(raw);
      auto found = previous.find(current.id);
      if (diff(&found->second, &current)) ++changes;
    }
    benchmark::DoNotOptimize(changes);
  }
  if (changes != (n + 99) / 100) state.SkipWithError("wrong number of changed groups");
  state.counters["groups"] = static_cast<double>(n);
  state.counters["changed"] = static_cast<double>(changes);
  // The generated input (both snapshots as raw strings) is the harness's, not the
  // pipeline's: a real poller parses pages of 1000 groups at a time.
  state.counters["input_mb"] = input_mb;
  state.counters["peak_rss_mb"] = peak_rss_mb();
  state.counters["canonical_mb"] = peak_rss_mb() - input_mb;
}
BENCHMARK(BM_CanonicaliseAndDiff)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ContentHash(benchmark::State& state) {
  const size_t n = group_count();
  std::mt19937_64 random(7);
  std::vector<Group> groups;
  groups.reserve(n);
  for (size_t i = 0; i < n; ++i) groups.push_back(canonical(make_group(i, random)));
  reset_peak_rss();
  for (auto _ : state) {
    for (const Group& g : groups) benchmark::DoNotOptimize(content_hash(g));
  }
  state.counters["groups"] = static_cast<double>(n);
  state.counters["peak_rss_mb"] = peak_rss_mb();
}
BENCHMARK(BM_ContentHash)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace sgwatch::diff_bench
