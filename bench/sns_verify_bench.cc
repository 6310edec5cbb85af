// Verifying SNS messages as the endpoint does for each delivery: the genuine AWS messages
// (SignatureVersion 1 and 2) against their certificate, held in the verifier's memory after
// the first read, so what is measured is parsing the envelope and checking the signature.
// Also a whole Config notification of a security group parsed into the core model.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "sources/config_notification.h"
#include "sources/sns_message.h"
#include "sources/sns_verifier.h"

namespace sgwatch::sns_verify_bench {
namespace {

const std::string kDir =
    std::string(SGWATCH_TEST_DATA_DIR) + "/sns/aws-sdk-java-v2_sns-message-manager";

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

void verify(benchmark::State& state, const std::string& file) {
  SnsCertificates certificates(kDir, nullptr);
  SnsVerifier verifier({}, certificates);
  const std::string body = read(kDir + "/" + file);
  auto first = parse_sns_message(body, file);
  if (!first) {
    state.SkipWithError(first.error().message.c_str());
    return;
  }
  const Timestamp now = first->timestamp + std::chrono::minutes(1);
  for (auto _ : state) {
    auto message = parse_sns_message(body, file);
    auto verified = verifier.verify(*message, now);
    if (!verified) {
      state.SkipWithError(verified.error().message.c_str());
      return;
    }
    benchmark::DoNotOptimize(verified);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_SnsVerifyV1(benchmark::State& state) { verify(state, "test-notification-with-subject.json"); }
void BM_SnsVerifyV2(benchmark::State& state) { verify(state, "test-notification-signature-v2.json"); }
BENCHMARK(BM_SnsVerifyV1)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SnsVerifyV2)->Unit(benchmark::kMicrosecond);

void BM_ConfigNotificationParse(benchmark::State& state) {
  const std::string message =
      read(std::string(SGWATCH_TEST_DATA_DIR) +
           "/config/aws-config-rules/VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS_invokingEvent_1.json");
  // The sample's placeholder group id, made a real one.
  std::string text = message;
  for (size_t at = text.find("\"sg-01\""); at != std::string::npos; at = text.find("\"sg-01\"")) {
    text.replace(at, 7, "\"sg-0123456789abcdef0\"");
  }
  for (auto _ : state) {
    auto parsed = parse_config_notification(text, "bench");
    if (!parsed) {
      state.SkipWithError(parsed.error().message.c_str());
      return;
    }
    benchmark::DoNotOptimize(parsed);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ConfigNotificationParse)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace sgwatch::sns_verify_bench
