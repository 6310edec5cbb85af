// Reading CloudTrail log files: a gzip log of N mixed records (one in ten a security-group
// call, the rest the describe/run/assume-role traffic that fills real trails), decompressed
// and parsed. Reported as records per second, for full detail and for the security-group
// calls only (what `sgwatch trail show` asks for).
//
// SGWATCH_BENCH_RECORDS overrides N (default 20,000, so that CI stays quick).
#include <benchmark/benchmark.h>
#include <zlib.h>

#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "trail/record_containers.h"

namespace sgwatch::trail_parse_bench {
namespace {

size_t record_count() {
  const char* text = std::getenv("SGWATCH_BENCH_RECORDS");
  return text ? std::strtoul(text, nullptr, 10) : 20000;
}

// A record as CloudTrail writes it; `body` holds eventName, eventSource and the parameters.
std::string record(size_t n, const std::string& body) {
  return fmt::format(
      R"({{"eventVersion":"1.08","userIdentity":{{"type":"AssumedRole","principalId":)"
      R"("AROAEXAMPLE:user{0}@example.com","arn":"arn:aws:sts::111122223333:assumed-role/)"
      R"(Operator/user{0}@example.com","accountId":"111122223333","accessKeyId":"ASIAEXAMPLE",)"
      R"("sessionContext":{{"sessionIssuer":{{"type":"Role","principalId":"AROAEXAMPLE",)"
      R"("arn":"arn:aws:iam::111122223333:role/Operator","accountId":"111122223333",)"
      R"("userName":"Operator"}},"attributes":{{"creationDate":"2024-05-01T09:00:00Z",)"
      R"("mfaAuthenticated":"false"}}}}}},"eventTime":"2024-05-01T{1:02}:{2:02}:{3:02}Z",)"
      R"({4},"awsRegion":"eu-west-1","sourceIPAddress":"198.51.100.{5}",)"
      R"j("userAgent":"aws-sdk-go/1.44.0 (go1.20; linux; amd64)","requestID":"req-{0}",)j"
      R"("eventID":"00000000-0000-4000-8000-{0:012}","eventType":"AwsApiCall",)"
      R"("managementEvent":true,"recipientAccountId":"111122223333","eventCategory":)"
      R"("Management","tlsDetails":{{"tlsVersion":"TLSv1.3","cipherSuite":)"
      R"("TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"ec2.eu-west-1.amazonaws.com"}}}})",
      n, (n / 3600) % 24, (n / 60) % 60, n % 60, body, n % 250);
}

std::string body(size_t n) {
  switch (n % 10) {
    case 0:
      return fmt::format(
          R"("eventSource":"ec2.amazonaws.com","eventName":"AuthorizeSecurityGroupIngress",)"
          R"("requestParameters":{{"groupId":"sg-{:017x}","ipPermissions":{{"items":[)"
          R"({{"ipProtocol":"tcp","fromPort":443,"toPort":443,"groups":{{}},"ipRanges":)"
          R"({{"items":[{{"cidrIp":"10.{}.0.0/16","description":"office"}}]}},)"
          R"("ipv6Ranges":{{}},"prefixListIds":{{}}}}]}}}},"responseElements":{{"_return":)"
          R"(true,"securityGroupRuleSet":{{"items":[{{"groupId":"sg-{:017x}",)"
          R"("securityGroupRuleId":"sgr-{:017x}","isEgress":false,"ipProtocol":"tcp",)"
          R"("fromPort":443,"toPort":443,"cidrIpv4":"10.{}.0.0/16"}}]}}}})",
          n, n % 256, n, n, n % 256);
    case 1:
    case 2:
    case 3:
      return R"("eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances",)"
             R"("requestParameters":{"instancesSet":{},"filterSet":{}},"responseElements":null)";
    case 4:
    case 5:
      return R"("eventSource":"sts.amazonaws.com","eventName":"AssumeRole",)"
             R"("requestParameters":{"roleArn":"arn:aws:iam::111122223333:role/Operator",)"
             R"("roleSessionName":"s"},"responseElements":{"credentials":{"accessKeyId":"A"}})";
    case 6:
      return fmt::format(
          R"("eventSource":"ec2.amazonaws.com","eventName":"CreateTags","requestParameters":)"
          R"({{"resourcesSet":{{"items":[{{"resourceId":"i-{:017x}"}}]}},"tagSet":{{"items":)"
          R"([{{"key":"Name","value":"web"}}]}}}},"responseElements":{{"_return":true}})",
          n);
    default:
      return R"("eventSource":"s3.amazonaws.com","eventName":"GetObject",)"
             R"("requestParameters":{"bucketName":"logs","key":"a/b/c"},"responseElements":null)";
  }
}

std::string gzip(const std::string& text) {
  z_stream stream{};
  deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8,
               Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, text.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

const std::string& log_file(size_t n) {
  static const std::string compressed = [n] {
    std::string text = R"({"Records":[)";
    for (size_t i = 0; i < n; ++i) {
      if (i > 0) text += ',';
      text += record(i, body(i));
    }
    text += "]}";
    return gzip(text);
  }();
  return compressed;
}

void parse_log(benchmark::State& state, RecordDetail detail) {
  const size_t n = record_count();
  const std::string& compressed = log_file(n);
  size_t calls = 0;
  for (auto _ : state) {
    auto read = read_trail_document(compressed, detail);
    if (!read || read->records != n || !read->problems.empty()) {
      state.SkipWithError(read ? "records were lost or unusable" : read.error().message.c_str());
      return;
    }
    calls = 0;
    for (const ApiCall& call : read->calls) calls += is_security_group_call(call);
    benchmark::DoNotOptimize(calls);
  }
  if (calls != (n + 9) / 10) state.SkipWithError("wrong number of security-group calls");
  state.counters["records"] = static_cast<double>(n);
  state.counters["gzip_mb"] = static_cast<double>(compressed.size()) / (1 << 20);
  state.counters["records_per_s"] =
      benchmark::Counter(static_cast<double>(n) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}

void BM_TrailParseFull(benchmark::State& state) { parse_log(state, RecordDetail::kFull); }
void BM_TrailParseSecurityGroupCalls(benchmark::State& state) {
  parse_log(state, RecordDetail::kSecurityGroupCalls);
}

BENCHMARK(BM_TrailParseFull)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_TrailParseSecurityGroupCalls)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace sgwatch::trail_parse_bench
