#include "app/observe_flags.h"

namespace sgwatch {

void add_observe_flags(CLI::App& app, ObserveFlags& flags) {
  app.add_option("--region", flags.observe.regions,
                 "A region to observe (repeatable), or 'all' for every region the account "
                 "has enabled (default: AWS_REGION or the profile's region)");
  app.add_option("--role-arn", flags.observe.role_arns,
                 "Observe the account of this IAM role, assumed with the default credentials "
                 "(repeatable; default: the default credentials' own account)");
  app.add_option("--external-id", flags.observe.external_id,
                 "External id sent when assuming the --role-arn roles");
  app.add_option("--concurrency", flags.observe.concurrency,
                 "Account-region pairs observed at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_option("--jsonl", flags.jsonl_path,
                 "Also append each change as one JSON object per line to this file "
                 "(format: docs/JSONL.md)");
}

}  // namespace sgwatch
