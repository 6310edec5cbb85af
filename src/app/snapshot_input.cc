#include "app/snapshot_input.h"

#include "sources/describe_json.h"

namespace sgwatch {

Result<Snapshot> snapshot_from_documents(const SnapshotDocuments& documents, const Scope& scope,
                                         Timestamp observed_at, bool partial) {
  auto groups = parse_describe_security_groups(documents.groups_json, documents.groups_source);
  if (!groups) return tl::unexpected(groups.error());
  Snapshot snapshot{scope, observed_at, std::move(*groups), partial, {}};
  if (documents.rules_json) {
    auto rules = parse_describe_security_group_rules(*documents.rules_json, documents.rules_source);
    if (!rules) return tl::unexpected(rules.error());
    for (GroupRules& entry : *rules) {
      auto& known = snapshot.known_rule_ids[entry.group];
      known.insert(known.end(), entry.rules.begin(), entry.rules.end());
    }
  }
  return snapshot;
}

}  // namespace sgwatch
