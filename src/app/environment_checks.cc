#include "app/environment_checks.h"

#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>

#include "sources/ec2_snapshot.h"
#include "state/sqlite_store.h"

namespace sgwatch {
namespace {

// The nearest directory on the way up from `path` that exists: where the store's missing
// directories would be created.
std::filesystem::path nearest_existing_parent(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::absolute(path, ec).parent_path();
  while (!dir.empty() && !std::filesystem::exists(dir, ec) && dir != dir.parent_path()) {
    dir = dir.parent_path();
  }
  return dir;
}

// One LookupEvents call over the last minute: the permission and the endpoint answer.
void check_trail(AccountAccess& access, const AwsCredentials& credentials, const AccountId& account,
                 const Region& region, const std::string& where, Timestamp now,
                 Checklist& checklist) {
  TrailLookup lookup;
  lookup.region = region;
  lookup.start = now - std::chrono::minutes(1);
  lookup.end = now;
  auto found = access.trail().lookup_events(credentials, account, lookup);
  if (!found) {
    checklist.fail(where + " trail",
                   "cloudtrail:LookupEvents failed (changes would stay unattributed; set "
                   "[attribution] lookup = false to go without): " +
                       found.error().message);
    return;
  }
  checklist.ok(where + " trail", fmt::format("cloudtrail:LookupEvents answered ({} write event{} "
                                             "in the last minute)",
                                             found->events.size(),
                                             found->events.size() == 1 ? "" : "s"));
}

void check_account(AccountAccess& access, WatchedAccount& account, bool lookup,
                   const Clock& clock, Checklist& checklist) {
  const std::string subject = "account " + account.label();
  auto credentials = account.credentials->credentials();
  if (!credentials) {
    checklist.fail(subject, "no credentials: " + credentials.error().message);
    checklist.skip(subject + " regions", "without credentials nothing can be read");
    return;
  }
  auto identity = access.sts().get_caller_identity(*credentials);
  if (!identity) {
    checklist.fail(subject, "sts:GetCallerIdentity failed: " + identity.error().message);
    checklist.skip(subject + " regions", "the credentials were not accepted");
    return;
  }
  auto actual = AccountId::parse(identity->account);
  if (!actual) {
    checklist.fail(subject, "sts:GetCallerIdentity: " + actual.error().message);
    return;
  }
  if (account.id && *account.id != *actual) {
    checklist.fail(subject, fmt::format("the credentials of {} belong to account {}, not {}",
                                        account.principal, actual->str(), account.id->str()));
    checklist.skip(subject + " regions", "the credentials are for another account");
    return;
  }
  account.id = *actual;
  const std::string label = "account " + account.label();
  checklist.ok(label, "sts:GetCallerIdentity answered: " + identity->arn);

  auto regions = access.regions_of(account);
  if (!regions) {
    checklist.fail(label + " regions", regions.error().message);
    return;
  }
  for (const Region& region : *regions) {
    auto probe = probe_security_groups(access.client(), *credentials, region);
    const std::string where = fmt::format("{} {}", label, region.str());
    if (!probe) {
      checklist.fail(where, "ec2:DescribeSecurityGroups failed: " + probe.error().message);
      continue;
    }
    checklist.ok(where, fmt::format("ec2:DescribeSecurityGroups answered ({}{} group{})",
                                    probe->groups_on_page, probe->more ? "+" : "",
                                    probe->groups_on_page == 1 && !probe->more ? "" : "s"));
    if (lookup) check_trail(access, *credentials, *actual, region, where, clock.now(), checklist);
  }
}

}  // namespace

void check_store(const std::string& path, Checklist& checklist) {
  const std::string subject = "store " + path;
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    auto store = SqliteStore::open_reader(path);
    if (!store) {
      checklist.fail(subject, store.error().message);
      return;
    }
    checklist.ok(subject, fmt::format("opens; schema {}", SqliteStore::schema_version()));
    return;
  }
  const std::filesystem::path parent = nearest_existing_parent(path);
  if (parent.empty() || access(parent.c_str(), W_OK | X_OK) != 0) {
    checklist.fail(subject, fmt::format("does not exist and cannot be created: '{}' is not "
                                        "writable by this user",
                                        parent.string()));
    return;
  }
  checklist.ok(subject, "does not exist yet; the first `sgwatch once` or `watch` creates it");
}

void check_accounts(const ObserveOptions& options, bool lookup, const EnvLookup& env,
                    const Clock& clock, Checklist& checklist) {
  StopSignal stop;  // nothing stops validate early; each call has its own timeouts
  auto access = AccountAccess::create(options, env, clock, stop);
  if (!access) {
    checklist.fail("aws", access.error().message);
    return;
  }
  for (auto& account : (*access)->accounts()) {
    check_account(**access, *account, lookup, clock, checklist);
  }
}

}  // namespace sgwatch
