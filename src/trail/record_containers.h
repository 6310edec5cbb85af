// The containers CloudTrail records arrive in, recognised by their shape:
//   - a log file as CloudTrail writes it to S3: {"Records": [record, ...]}, plain or gzip
//     (recognised by its magic bytes; concatenated gzip members are read in turn);
//   - a LookupEvents response: {"Events": [{"EventId", "CloudTrailEvent": "<record as a
//     JSON string>", ...}], "NextToken"}: the string is parsed as JSON a second time;
//   - an EventBridge event: {"detail-type": "AWS API Call via CloudTrail", "source",
//     "detail": record};
//   - a bare record; a JSON array of any of these;
//   - JSON Lines: one of the above per line.
// A record that cannot be used is a problem named by its position and eventID; it never
// stops the others.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "trail/api_call.h"
#include "trail/record_parser.h"

namespace sgwatch {

// Called once per record, in document order. `index` counts records from 0 across the
// whole document (all lines, all pages); an error's message already names the record.
using RecordVisitor = std::function<void(Result<ApiCall> call, size_t index)>;

// Visits every record of `document` (JSON text, not gzip). Returns an error only when the
// document as a whole is unusable: not JSON at all. Problems of single records, including
// a JSON Lines line that does not parse, go to `visit` as errors.
Status for_each_record(std::string_view document, const RecordVisitor& visit,
                       RecordDetail detail = RecordDetail::kFull);

struct RecordProblem {
  size_t index;         // the record's position, as for RecordVisitor
  std::string message;  // "record 12 (eventID 504b...): requestParameters...: ..."
  // What is wrong, whichever record: the field ("requestParameters.groupId") or the
  // complaint ("malformed JSON"). Groups warnings about many records that share it.
  std::string kind;
};

// The kind of a problem from its message (see RecordProblem).
std::string record_problem_kind(std::string_view message);

struct TrailRead {
  std::vector<ApiCall> calls;  // every usable record, in document order
  std::vector<RecordProblem> problems;
  size_t records = 0;  // calls.size() + problems.size()
};

// True when `bytes` starts with gzip's magic number (1f 8b).
bool is_gzip(std::string_view bytes);
// Decompresses every gzip member of `bytes`, one after another.
Result<std::string> gunzip(std::string_view bytes);

// Reads a whole document (gzip or not) into calls and problems.
Result<TrailRead> read_trail_document(std::string_view bytes,
                                      RecordDetail detail = RecordDetail::kFull);
// The same for a file; errors name the file.
Result<TrailRead> read_trail_file(const std::string& path,
                                  RecordDetail detail = RecordDetail::kFull);

}  // namespace sgwatch
