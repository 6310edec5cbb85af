// A change with its caller and findings as JSON Lines carry it: the example line of
// docs/JSONL.md, byte for byte, is what change_view_json() writes for department B opening
// RDP to the world on department A's group.
#include "app/change_report.h"

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "builders.h"
#include "core/time_format.h"
#include "risk/assess.h"
#include "trail/record_parser.h"
#include "trail_records.h"

namespace sgwatch::change_report_test {
namespace {

// The first line of the first ```json block in docs/JSONL.md's Example section.
std::string documented_example() {
  std::ifstream in(std::string(SGWATCH_TEST_DATA_DIR) + "/../../docs/JSONL.md");
  bool in_example = false, in_block = false;
  for (std::string line; std::getline(in, line);) {
    if (line == "## Example") in_example = true;
    if (in_example && line == "```json") in_block = true;
    else if (in_block) return line;
  }
  return "";
}

ApiCall rdp_call(Timestamp time) {
  testing::TrailCall call;
  call.event_id = "6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5";
  call.time = time;
  call.account = "111122223333";
  call.region = "us-east-1";
  call.actor_arn = "arn:aws:iam::111122223333:user/dept-b-engineer";
  call.source_ip = "203.0.113.7";
  const std::string record = testing::authorize_record(call, "sg-0123456789abcdef0", 3389,
                                                       "0.0.0.0/0").dump();
  simdjson::dom::parser parser;
  return parse_record(parser.parse(record).value(), 0).value();
}

TEST(ChangeReport, DocumentedExampleLine) {
  const auto [before, after] = testing::documented_rdp_change();

  const Timestamp observed = parse_time("2026-11-23T10:15:00.250Z").value();
  ChangeEntry entry{42,
                    Scope{testing::account("111122223333"), testing::region("us-east-1")},
                    before.id,
                    parse_time("2026-11-23T10:14:00.180Z").value(),
                    observed,
                    AttributionState::kAttributed,
                    {"6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5"},
                    1,
                    false,
                    std::nullopt};
  ChangeView view{entry, *diff(&before, &after), after,
                  {rdp_call(parse_time("2026-11-23T10:14:41Z").value())}};
  const auto findings = findings_introduced(view.diff, &after, RiskPolicy{});
  ASSERT_FALSE(findings.empty());
  const std::string line = change_view_json(view, findings).dump();
  EXPECT_EQ(line, documented_example()) << "docs/JSONL.md's example should read:\n" << line;
}

}  // namespace
}  // namespace sgwatch::change_report_test
