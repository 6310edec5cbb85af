#include "app/account_access.h"

#include <charconv>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "aws/assume_role_provider.h"
#include "aws/credential_chain.h"
#include "aws/role_arn.h"
#include "sources/ec2_snapshot.h"

namespace sgwatch {
namespace {

// Off EC2 and outside containers the metadata endpoints never answer: fail fast.
CurlTransportOptions metadata_transport_options() {
  CurlTransportOptions options;
  options.connect_timeout = std::chrono::milliseconds(1000);
  options.total_timeout = std::chrono::milliseconds(2000);
  return options;
}

// AWS_MAX_ATTEMPTS, as the SDKs read it; the standard mode's 3 otherwise.
Result<int> max_attempts_from(const EnvLookup& env) {
  auto configured = env("AWS_MAX_ATTEMPTS");
  if (!configured) return 3;
  int attempts = 0;
  auto [end, ec] = std::from_chars(configured->data(), configured->data() + configured->size(),
                                   attempts);
  if (ec != std::errc() || end != configured->data() + configured->size() || attempts < 1) {
    return invalid("AWS_MAX_ATTEMPTS is '" + *configured + "'; it must be a whole number >= 1");
  }
  return attempts;
}

bool is_all(const std::vector<std::string>& names) {
  return names.size() == 1 && names.front() == "all";
}

Status check_region_names(const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    if (name == "all" && !is_all(names)) {
      return invalid("regions: 'all' cannot be combined with a list of regions");
    }
    if (name == "all") continue;
    auto region = Region::parse(name);
    if (!region) return tl::unexpected(region.error().within("regions"));
  }
  return {};
}

// STS and DescribeRegions are asked in the first region listed (globally, else for the
// first account that lists its own), else the configured one.
std::optional<std::string> home_region_name(const ObserveOptions& options, const EnvLookup& env,
                                            const SharedConfig& config) {
  if (!options.regions.empty() && !is_all(options.regions)) return options.regions.front();
  for (const AccountOptions& account : options.accounts) {
    if (!account.regions.empty() && !is_all(account.regions)) return account.regions.front();
  }
  return configured_region(env, config, selected_profile(env));
}

}  // namespace

std::string WatchedAccount::label() const {
  if (!id) return options.name.empty() ? "the default account" : options.name;
  if (options.name.empty()) return id->str();
  return fmt::format("{} ({})", options.name, id->str());
}

Result<std::unique_ptr<AccountAccess>> AccountAccess::create(const ObserveOptions& options,
                                                             EnvLookup env, const Clock& clock,
                                                             StopSignal& stop) {
  if (options.concurrency < 1) return invalid("concurrency must be at least 1");
  if (auto checked = check_region_names(options.regions); !checked) {
    return tl::unexpected(checked.error());
  }
  for (const AccountOptions& account : options.accounts) {
    if (auto checked = check_region_names(account.regions); !checked) {
      return tl::unexpected(checked.error());
    }
  }
  auto config = load_shared_config(env);
  if (!config) return tl::unexpected(config.error());
  auto attempts = max_attempts_from(env);
  if (!attempts) return tl::unexpected(attempts.error());

  std::optional<std::string> home = home_region_name(options, env, *config);
  if (!home) {
    return invalid(is_all(options.regions)
                       ? "regions = all needs a region to ask for the list: set AWS_REGION or "
                         "the profile's region"
                       : "no region: pass --region, list regions in the config, or set "
                         "AWS_REGION or the profile's region");
  }
  auto home_region = Region::parse(*home);
  if (!home_region) return tl::unexpected(home_region.error().within("the region"));

  std::unique_ptr<AccountAccess> access(
      new AccountAccess(env, clock, stop, std::move(*config), *home_region, *attempts));
  if (auto added = access->add_accounts(options, env); !added) {
    return tl::unexpected(added.error());
  }
  return access;
}

AccountAccess::AccountAccess(EnvLookup env, const Clock& clock, StopSignal& stop,
                             SharedConfig config, Region home_region, int max_attempts)
    : clock_(clock),
      stop_(stop),
      config_(std::move(config)),
      metadata_transport_(metadata_transport_options()),
      retries_(max_attempts),
      client_(transport_, clock, std::move(env), retries_,
              [&stop](std::chrono::milliseconds delay) { stop.wait_for(delay); }),
      lookup_limiter_(clock,
                      [&stop](std::chrono::milliseconds delay) { return !stop.wait_for(delay); }),
      trail_(client_, lookup_limiter_),
      home_region_(home_region) {
  sts_ = std::make_unique<StsClient>(client_, home_region_.str());
  // Shutdown does not wait for a slow endpoint: calls in flight fail at once.
  stop_handle_ = stop_.on_request([this] {
    transport_.cancel_all();
    metadata_transport_.cancel_all();
  });
}

AccountAccess::~AccountAccess() { stop_.forget(stop_handle_); }

Status AccountAccess::add_accounts(const ObserveOptions& options, const EnvLookup& env) {
  auto chain = default_credential_chain({env, config_, *sts_, clock_, metadata_transport_});
  if (!chain) return tl::unexpected(chain.error());
  default_credentials_ = *chain;
  std::vector<AccountOptions> wanted = options.accounts;
  if (wanted.empty()) wanted.push_back(AccountOptions{});

  const std::vector<std::string> all_regions =
      options.regions.empty() ? std::vector<std::string>{home_region_.str()} : options.regions;
  bool default_account_listed = false;
  for (const AccountOptions& account : wanted) {
    auto watched = std::make_unique<WatchedAccount>();
    watched->options = account;
    watched->region_names = account.regions.empty() ? all_regions : account.regions;
    if (account.role_arn.empty()) {
      if (default_account_listed) {
        return invalid("only one account may go without a role ARN (the default credentials' "
                       "own account)");
      }
      default_account_listed = true;
      watched->credentials = default_credentials_;
      accounts_.push_back(std::move(watched));
      continue;
    }
    auto arn = parse_role_arn(account.role_arn);
    if (!arn) return tl::unexpected(arn.error().within("role ARN"));
    for (const auto& known : accounts_) {
      if (known->id == arn->account) {
        return invalid("account " + arn->account.str() + " is listed twice");
      }
    }
    AssumeRoleRequest request;
    request.role_arn = arn->text;
    request.session_name = options.session_name;
    request.external_id = account.external_id;
    watched->id = arn->account;
    watched->principal = arn->text;
    watched->credentials = std::make_shared<CachingProvider>(
        std::make_unique<AssumeRoleProvider>(default_credentials_, *sts_, request), clock_);
    accounts_.push_back(std::move(watched));
  }
  return {};
}

Result<std::vector<Region>> AccountAccess::regions_of(WatchedAccount& account) {
  if (account.regions) return *account.regions;
  std::vector<Region> regions;
  if (is_all(account.region_names)) {
    auto credentials = account.credentials->credentials();
    if (!credentials) return tl::unexpected(credentials.error());
    auto enabled = read_enabled_regions(client_, *credentials, home_region_);
    if (!enabled) return tl::unexpected(enabled.error());
    regions = std::move(*enabled);
    spdlog::info("Account {} has {} enabled regions.", account.label(), regions.size());
  } else {
    for (const std::string& name : account.region_names) regions.push_back(*Region::parse(name));
  }
  account.regions = regions;
  return regions;
}

}  // namespace sgwatch
