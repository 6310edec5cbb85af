#include "app/observe_config.h"

#include <fmt/format.h>

#include "aws/role_arn.h"
#include "core/duration.h"
#include "core/ids.h"

namespace sgwatch {
namespace {


std::string check_region(const ConfigValue& value) {
  const std::string name = as_text(value);
  if (name == "all") return "";
  auto region = Region::parse(name);
  return region ? "" : region.error().message;
}

std::string check_interval(const ConfigValue& value) {
  auto interval = parse_duration(as_text(value));
  if (!interval) return interval.error().message;
  if (interval->count() == 0) return "the interval must be longer than 0s";
  return "";
}

std::string check_concurrency(const ConfigValue& value) {
  const auto* number = std::get_if<std::int64_t>(&value);
  return number && *number >= 1 && *number <= 64 ? "" : "must be between 1 and 64";
}

std::string check_role_arn(const ConfigValue& value) {
  auto arn = parse_role_arn(as_text(value));
  return arn ? "" : arn.error().message;
}

KeySchema regions_key(std::string description, std::optional<std::vector<std::string>> fallback) {
  KeySchema key = string_list_key("regions", std::move(description), std::move(fallback));
  key.check = check_region;
  return key;
}

// 'all' stands alone: it is every enabled region, so a list beside it means nothing.
Status check_region_list(const ConfigTable& table, const std::string& path) {
  auto names = table.strings("regions");
  if (!names || names->size() < 2) return {};
  for (const std::string& name : *names) {
    if (name == "all") {
      return invalid(fmt::format("{}: {}.regions: 'all' cannot be combined with region names",
                                 table.where("regions").str(), path));
    }
  }
  return {};
}

}  // namespace

KeySchema watch_config_schema() {
  KeySchema interval = string_key(
      "interval", "Time from the start of one observation cycle to the start of the next "
                  "(`60s`, `5m`, `1h30m`). Flag: `--interval`.",
      "60s");
  interval.check = check_interval;
  KeySchema concurrency = integer_key(
      "concurrency", "Account-region pairs observed at once (1 to 64). Flag: `--concurrency`.", 4);
  concurrency.check = check_concurrency;
  return table_key(
      "watch", "What `sgwatch once` and `sgwatch watch` observe, and how often.",
      {interval,
       regions_key("Regions to observe in every account: names, or `\"all\"` for every region "
                   "each account has enabled. Default: `AWS_REGION` or the profile's region. "
                   "Flag: `--region`.",
                   std::nullopt),
       concurrency,
       string_key("jsonl", "Also append each change as one JSON object per line to this file "
                           "(docs/JSONL.md). Flag: `--jsonl`."),
       string_key("role_session_name",
                  "The session name of the roles sgwatch assumes; CloudTrail shows it, so "
                  "sgwatch's own calls are easy to tell apart.",
                  "sgwatch")});
}

KeySchema accounts_config_schema() {
  KeySchema role_arn = string_key(
      "role_arn", "The IAM role sgwatch assumes to read this account. Omit it for the default "
                  "credentials' own account (at most one account).");
  role_arn.check = check_role_arn;
  KeySchema external_id = string_key(
      "external_id", "The external id the role's trust policy requires, if any.");
  external_id.secret = true;
  return table_array_key(
      "accounts",
      "One table per AWS account to observe. None: the default credentials' own account. "
      "Flags: `--role-arn` (repeatable) with `--external-id` replace these tables.",
      {string_key("name", "A name for the account in logs and alerts (`dept-a`)."), role_arn,
       external_id,
       regions_key("Regions to observe in this account, instead of `watch.regions`.",
                   std::nullopt)});
}

Result<WatchSettings> watch_settings_from(const ConfigTable& root) {
  WatchSettings settings;
  const ConfigTable& watch = root.table("watch");
  if (auto checked = check_region_list(watch, "watch"); !checked) {
    return tl::unexpected(checked.error());
  }
  settings.observe.regions = watch.strings("regions").value_or(std::vector<std::string>{});
  settings.observe.concurrency = static_cast<int>(watch.integer("concurrency").value_or(4));
  settings.observe.session_name = watch.string("role_session_name").value_or("sgwatch");
  settings.jsonl_path = watch.string("jsonl").value_or("");
  auto interval = parse_duration(watch.string("interval").value_or("60s"));
  if (!interval) return tl::unexpected(interval.error().within(watch.where("interval").str()));
  settings.interval = *interval;

  const auto& accounts = root.tables("accounts");
  for (size_t i = 0; i < accounts.size(); ++i) {
    const ConfigTable& table = accounts[i];
    const std::string path = fmt::format("accounts[{}]", i + 1);
    if (auto checked = check_region_list(table, path); !checked) {
      return tl::unexpected(checked.error());
    }
    AccountOptions account;
    account.name = table.string("name").value_or("");
    account.role_arn = table.string("role_arn").value_or("");
    account.external_id = table.string("external_id").value_or("");
    account.regions = table.strings("regions").value_or(std::vector<std::string>{});
    for (size_t j = 0; j < i; ++j) {
      const AccountOptions& earlier = settings.observe.accounts[j];
      const bool same_default = account.role_arn.empty() && earlier.role_arn.empty();
      const bool same_role = !account.role_arn.empty() && !earlier.role_arn.empty() &&
                             parse_role_arn(account.role_arn)->account.str() ==
                                 parse_role_arn(earlier.role_arn)->account.str();
      if (same_default || same_role) {
        return invalid(fmt::format(
            "{}: {} is the same account as accounts[{}]{}", table.position().str(), path, j + 1,
            same_default ? " (both have no role_arn: the default credentials' own account)"
                         : ""));
      }
      if (!account.name.empty() && account.name == earlier.name) {
        return invalid(fmt::format("{}: {}.name '{}' is already the name of accounts[{}]",
                                   table.where("name").str(), path, account.name, j + 1));
      }
    }
    settings.observe.accounts.push_back(std::move(account));
  }
  return settings;
}

}  // namespace sgwatch
