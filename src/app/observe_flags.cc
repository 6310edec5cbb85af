#include "app/observe_flags.h"

#include "aws/role_arn.h"
#include "core/ids.h"

namespace sgwatch {
namespace {

// Flag values are checked here so that their errors name the flag.
Status check_flags(const ObserveFlags& flags) {
  for (const std::string& arn : flags.role_arns) {
    if (auto parsed = parse_role_arn(arn); !parsed) {
      return tl::unexpected(parsed.error().within("--role-arn"));
    }
  }
  for (const std::string& name : flags.regions) {
    if (name == "all") {
      if (flags.regions.size() > 1) return invalid("--region all cannot be combined with a list");
      continue;
    }
    if (auto region = Region::parse(name); !region) {
      return tl::unexpected(region.error().within("--region"));
    }
  }
  if (!flags.external_id.empty() && flags.role_arns.empty()) {
    return invalid("--external-id goes with --role-arn; for the config's accounts, set "
                   "external_id in their [[accounts]] tables");
  }
  return {};
}

}  // namespace

void add_observe_flags(CLI::App& app, ObserveFlags& flags) {
  app.add_option("--region", flags.regions,
                 "A region to observe (repeatable), or 'all' for every region the account "
                 "has enabled (default: the config's watch.regions, else AWS_REGION or the "
                 "profile's region)");
  app.add_option("--role-arn", flags.role_arns,
                 "Observe the account of this IAM role, assumed with the default credentials "
                 "(repeatable; replaces the config's accounts; default: the default "
                 "credentials' own account)");
  app.add_option("--external-id", flags.external_id,
                 "External id sent when assuming the --role-arn roles");
  app.add_option("--concurrency", flags.concurrency,
                 "Account-region pairs observed at once (default: the config's, else 4)")
      ->check(CLI::Range(1, 64));
  app.add_option("--jsonl", flags.jsonl_path,
                 "Also append each change as one JSON object per line to this file "
                 "(format: docs/JSONL.md)");
}

Result<WatchSettings> settings_with_flags(const ConfigTable& config, const ObserveFlags& flags) {
  if (auto checked = check_flags(flags); !checked) return tl::unexpected(checked.error());
  auto settings = watch_settings_from(config);
  if (!settings) return settings;
  if (!flags.role_arns.empty()) {
    settings->observe.accounts.clear();
    for (const std::string& arn : flags.role_arns) {
      settings->observe.accounts.push_back(AccountOptions{"", arn, flags.external_id, {}});
    }
  }
  if (!flags.regions.empty()) {
    settings->observe.regions = flags.regions;
    for (AccountOptions& account : settings->observe.accounts) account.regions.clear();
  }
  if (flags.concurrency > 0) settings->observe.concurrency = flags.concurrency;
  if (!flags.jsonl_path.empty()) settings->jsonl_path = flags.jsonl_path;
  return settings;
}

}  // namespace sgwatch
