#include "notify/sinks/jsonl_sink.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "builders.h"

#include "temp_dir.h"

namespace sgwatch::jsonl_sink_test {
namespace {

using Kind = DeliveryOutcome::Kind;

Alert make_alert(std::string id, std::string body) {
  return testing::sink_alert(std::move(id), std::move(body), "audit-file");
}

std::string contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(JsonlSink, EachAlertIsOneLineEqualToItsBody) {
  testing::TempDir dir;
  const std::string path = dir.file("alerts.jsonl");
  auto sink = make_jsonl_sink(path);
  ASSERT_TRUE(sink) << sink.error().message;
  EXPECT_EQ((*sink)->describe(), "jsonl " + path);

  const std::string first = R"({"id":"a-1","kind":"change","note":"caf\u00e9 ☕"})";
  const std::string second = R"({"id":"a-2","kind":"attempt"})";
  DeliveryOutcome outcome = (*sink)->deliver(make_alert("a-1", first));
  EXPECT_EQ(outcome.kind, Kind::kOk) << outcome.reason;
  outcome = (*sink)->deliver(make_alert("a-2", second));
  EXPECT_EQ(outcome.kind, Kind::kOk) << outcome.reason;
  EXPECT_EQ(contents(path), first + "\n" + second + "\n");
}

TEST(JsonlSink, AppendsToWhatIsAlreadyThere) {
  testing::TempDir dir;
  const std::string path = dir.file("alerts.jsonl");
  std::ofstream(path) << "{\"earlier\":true}\n";
  auto sink = make_jsonl_sink(path);
  ASSERT_TRUE(sink) << sink.error().message;
  EXPECT_EQ((*sink)->deliver(make_alert("a-1", "{}")).kind, Kind::kOk);
  EXPECT_EQ(contents(path), "{\"earlier\":true}\n{}\n");
}

TEST(JsonlSink, UnopenablePathIsAnErrorNamingIt) {
  testing::TempDir dir;
  const std::string path = dir.file("no-such-dir/alerts.jsonl");
  auto sink = make_jsonl_sink(path);
  ASSERT_FALSE(sink);
  EXPECT_EQ(sink.error().code, ErrorCode::kIo);
  EXPECT_NE(sink.error().message.find(path), std::string::npos) << sink.error().message;
}

TEST(JsonlSink, WriteErrorIsRetryWithTheReason) {
  // /dev/full opens like a file and fails every write with ENOSPC: a full disk.
  if (::access("/dev/full", W_OK) != 0) GTEST_SKIP() << "no writable /dev/full";
  auto sink = make_jsonl_sink("/dev/full");
  ASSERT_TRUE(sink) << sink.error().message;
  DeliveryOutcome outcome = (*sink)->deliver(make_alert("a-1", "{}"));
  EXPECT_EQ(outcome.kind, Kind::kRetry);
  EXPECT_FALSE(outcome.retry_after.has_value());
  EXPECT_NE(outcome.reason.find("/dev/full"), std::string::npos) << outcome.reason;
  EXPECT_NE(outcome.reason.find("No space left"), std::string::npos) << outcome.reason;
}

TEST(JsonlSink, BodyThatCannotBeOneLineIsFatalAndWritesNothing) {
  testing::TempDir dir;
  const std::string path = dir.file("alerts.jsonl");
  auto sink = make_jsonl_sink(path);
  ASSERT_TRUE(sink) << sink.error().message;
  for (const char* body : {"{\"a\":\n1}", "{}\r", ""}) {
    DeliveryOutcome outcome = (*sink)->deliver(make_alert("a-7", body));
    EXPECT_EQ(outcome.kind, Kind::kFatal) << body;
    EXPECT_NE(outcome.reason.find("a-7"), std::string::npos) << outcome.reason;
  }
  EXPECT_EQ(contents(path), "");
}

}  // namespace
}  // namespace sgwatch::jsonl_sink_test
