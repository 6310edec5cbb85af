// The emulator's own costs: starting it, seeding a large region, and answering one page
// of DescribeSecurityGroups. Targets: start well under a second; a 10,000 groups x 10
// rules region seeded and described in pages.
#include <benchmark/benchmark.h>

#include "core/clock.h"
#include "emulator/emulator.h"
#include "emulator/seed.h"

namespace sgwatch::emulator::emulator_bench {
namespace {

void BM_EmulatorStartAndStop(benchmark::State& state) {
  SystemClock clock;
  for (auto _ : state) {
    auto emulator = Emulator::start(EmulatorOptions{}, clock);
    if (!emulator) state.SkipWithError(emulator.error().c_str());
    auto seeded = apply_seed(**emulator, default_seed());
    benchmark::DoNotOptimize(seeded);
    (*emulator)->stop();
  }
}
BENCHMARK(BM_EmulatorStartAndStop)->Unit(benchmark::kMillisecond);

void BM_SeedTenThousandGroups(benchmark::State& state) {
  SystemClock clock;
  for (auto _ : state) {
    Ec2Service ec2({"us-east-1"}, 1);
    auto made = ec2.seed_generated("111122223333", "us-east-1", 10000, 10);
    benchmark::DoNotOptimize(made);
  }
}
BENCHMARK(BM_SeedTenThousandGroups)->Unit(benchmark::kMillisecond);

void BM_DescribeAllPages(benchmark::State& state) {
  Ec2Service ec2({"us-east-1"}, 1);
  if (!ec2.seed_generated("111122223333", "us-east-1", 10000, 10)) {
    state.SkipWithError("seeding failed");
  }
  Caller caller;
  caller.account_id = "111122223333";
  caller.arn = "arn:aws:iam::111122223333:user/bench";
  caller.principal_id = "AIDABENCH";
  caller.access_key_id = "AKIABENCH";
  caller.type = "IAMUser";
  size_t bytes = 0;
  for (auto _ : state) {
    Params params = {{"Action", "DescribeSecurityGroups"}, {"Version", "2016-11-15"},
                     {"MaxResults", "1000"}};
    bytes = 0;
    for (;;) {
      Response page = ec2.handle(caller, "us-east-1", params);
      bytes += page.body.size();
      size_t start = page.body.find("<nextToken>");
      if (start == std::string::npos) break;
      start += 11;
      params["NextToken"] = page.body.substr(start, page.body.find("</nextToken>") - start);
    }
  }
  state.counters["response_mb"] = static_cast<double>(bytes) / 1e6;
}
BENCHMARK(BM_DescribeAllPages)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sgwatch::emulator::emulator_bench
