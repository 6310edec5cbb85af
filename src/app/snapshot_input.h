// Building a Snapshot from the JSON that `aws ec2 describe-security-groups` (and,
// optionally, `describe-security-group-rules`) print. Shared by `ingest` and the demo.
#pragma once

#include <optional>
#include <string>

#include "app/record_snapshot.h"

namespace sgwatch {

struct SnapshotDocuments {
  std::string groups_json;
  std::string groups_source;  // a name for messages, e.g. the file name
  std::optional<std::string> rules_json;
  std::string rules_source;
};

Result<Snapshot> snapshot_from_documents(const SnapshotDocuments& documents, const Scope& scope,
                                         Timestamp observed_at, bool partial);

}  // namespace sgwatch
