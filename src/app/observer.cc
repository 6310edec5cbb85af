#include "app/observer.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <thread>

#include <spdlog/spdlog.h>

#include "aws/assume_role_provider.h"
#include "aws/credential_chain.h"
#include "aws/role_arn.h"
#include "sources/ec2_snapshot.h"

namespace sgwatch {

struct Observer::Account {
  AccountId id;
  std::string principal;  // for logs: whose credentials observe it
  std::shared_ptr<CredentialProvider> credentials;
  std::optional<std::vector<Region>> regions;  // resolved once
};

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

}  // namespace

Result<std::unique_ptr<Observer>> Observer::create(const ObserveOptions& options, EnvLookup env,
                                                   const Clock& clock, Store& store,
                                                   StopSignal& stop) {
  if (options.concurrency < 1) return invalid("--concurrency must be at least 1");
  auto config = load_shared_config(env);
  if (!config) return tl::unexpected(config.error());
  auto attempts = max_attempts_from(env);
  if (!attempts) return tl::unexpected(attempts.error());

  const bool all_regions = options.regions.size() == 1 && options.regions.front() == "all";
  for (const std::string& name : options.regions) {
    if (name == "all" && !all_regions) return invalid("--region all cannot be combined with a list");
    if (name == "all") continue;
    auto region = Region::parse(name);
    if (!region) return tl::unexpected(region.error().within("--region"));
  }
  // STS and DescribeRegions are asked in the first region given, else the configured one.
  std::optional<std::string> home = configured_region(env, *config, selected_profile(env));
  if (!options.regions.empty() && !all_regions) home = options.regions.front();
  if (!home) {
    return invalid(all_regions
                       ? "--region all needs a region to ask for the list: set AWS_REGION or "
                         "the profile's region"
                       : "no region: pass --region, or set AWS_REGION or the profile's region");
  }
  auto home_region = Region::parse(*home);
  if (!home_region) return tl::unexpected(home_region.error().within("the region"));

  std::unique_ptr<Observer> observer(new Observer(options, env, clock, store, stop,
                                                  std::move(*config), *home_region, *attempts));
  if (options.regions.empty()) observer->region_names_ = {home_region->str()};
  if (auto added = observer->add_accounts(options, env); !added) return tl::unexpected(added.error());
  return observer;
}

Observer::Observer(const ObserveOptions& options, EnvLookup env, const Clock& clock, Store& store,
                   StopSignal& stop, SharedConfig config, Region home_region, int max_attempts)
    : clock_(clock),
      store_(store),
      stop_(stop),
      config_(std::move(config)),
      metadata_transport_(metadata_transport_options()),
      retries_(max_attempts),
      client_(transport_, clock, std::move(env), retries_,
              [&stop](std::chrono::milliseconds delay) { stop.wait_for(delay); }),
      home_region_(home_region),
      region_names_(options.regions),
      concurrency_(options.concurrency) {
  sts_ = std::make_unique<StsClient>(client_, home_region_.str());
  // Shutdown does not wait for a slow endpoint: calls in flight fail at once.
  stop_handle_ = stop_.on_request([this] {
    transport_.cancel_all();
    metadata_transport_.cancel_all();
  });
}

Observer::~Observer() { stop_.forget(stop_handle_); }

Status Observer::add_accounts(const ObserveOptions& options, const EnvLookup& env) {
  auto chain = default_credential_chain({env, config_, *sts_, clock_, metadata_transport_});
  if (!chain) return tl::unexpected(chain.error());
  default_credentials_ = *chain;
  if (options.role_arns.empty()) {
    auto credentials = default_credentials_->credentials();
    if (!credentials) return tl::unexpected(credentials.error());
    auto identity = default_identity(*credentials);
    if (!identity) return tl::unexpected(identity.error());
    spdlog::info("Observing account {} as {}.", identity->account.str(), identity->arn);
    accounts_.push_back(std::make_unique<Account>(
        Account{identity->account, identity->arn, default_credentials_, std::nullopt}));
    return {};
  }
  for (const std::string& text : options.role_arns) {
    auto arn = parse_role_arn(text);
    if (!arn) return tl::unexpected(arn.error().within("--role-arn"));
    for (const auto& known : accounts_) {
      if (known->id == arn->account) {
        return invalid("--role-arn: account " + arn->account.str() + " is given twice");
      }
    }
    AssumeRoleRequest request;
    request.role_arn = arn->text;
    request.session_name = options.session_name;
    request.external_id = options.external_id;
    auto provider = std::make_shared<CachingProvider>(
        std::make_unique<AssumeRoleProvider>(default_credentials_, *sts_, request), clock_);
    spdlog::info("Observing account {} through role {}.", arn->account.str(), arn->text);
    accounts_.push_back(
        std::make_unique<Account>(Account{arn->account, arn->text, provider, std::nullopt}));
  }
  return {};
}

Result<KnownCaller> Observer::default_identity(const AwsCredentials& credentials) {
  // An access key never changes hands, so a quiet `once` need not ask STS every run.
  auto known = store_.caller_identity(credentials.access_key_id);
  if (known && *known) return **known;
  auto identity = sts_->get_caller_identity(credentials);
  if (!identity) return tl::unexpected(identity.error());
  auto account = AccountId::parse(identity->account);
  if (!account) return tl::unexpected(account.error().within("sts:GetCallerIdentity"));
  KnownCaller caller{*account, identity->arn};
  if (auto kept = store_.remember_caller_identity(credentials.access_key_id, caller, clock_.now());
      !kept) {
    spdlog::debug("Could not remember the caller identity: {}", kept.error().message);
  }
  return caller;
}

Result<std::vector<Region>> Observer::regions_of(Account& account) {
  if (account.regions) return *account.regions;
  std::vector<Region> regions;
  if (region_names_.size() == 1 && region_names_.front() == "all") {
    auto credentials = account.credentials->credentials();
    if (!credentials) return tl::unexpected(credentials.error());
    auto enabled = read_enabled_regions(client_, *credentials, home_region_);
    if (!enabled) return tl::unexpected(enabled.error());
    regions = std::move(*enabled);
    spdlog::info("Account {} has {} enabled regions.", account.id.str(), regions.size());
  } else {
    for (const std::string& name : region_names_) regions.push_back(*Region::parse(name));
  }
  account.regions = regions;
  return regions;
}

Result<CycleOutcome> Observer::observe(Account& account, const Scope& scope) {
  // Credentials refused as expired before their time (a revoked session, a skewed clock)
  // are fetched again once; the scope is read again from its first page.
  for (int attempt = 1;; ++attempt) {
    auto credentials = account.credentials->credentials();
    if (!credentials) return tl::unexpected(credentials.error().within(scope.str()));
    auto outcome = run_scope_cycle(client_, *credentials, store_, scope, clock_.now());
    if (outcome || outcome.error().code != ErrorCode::kExpiredCredentials || attempt > 1) {
      return outcome;
    }
    spdlog::info("The credentials for {} were refused as expired; fetching new ones.",
                 scope.str());
    account.credentials->invalidate();
  }
}

std::vector<ScopeOutcome> Observer::run_cycle() {
  struct Job {
    Account* account;
    Scope scope;
  };
  std::vector<Job> jobs;
  std::vector<ScopeOutcome> outcomes;
  for (auto& account : accounts_) {
    auto regions = regions_of(*account);
    if (!regions) {
      // Nothing of the account can be observed; its scopes are unknown, so it is reported
      // under its home region.
      outcomes.push_back({Scope{account->id, home_region_}, tl::unexpected(regions.error())});
      continue;
    }
    for (const Region& region : *regions) jobs.push_back({account.get(), Scope{account->id, region}});
  }

  std::vector<std::optional<Result<CycleOutcome>>> results(jobs.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < jobs.size(); i = next++) {
      if (stop_.requested()) {
        results[i] = fail(ErrorCode::kCancelled, "stopped before " + jobs[i].scope.str() + " was read");
        continue;
      }
      results[i] = observe(*jobs[i].account, jobs[i].scope);
    }
  };
  const size_t workers = std::min(jobs.size(), static_cast<size_t>(concurrency_));
  if (workers <= 1) {
    work();
  } else {
    std::vector<std::jthread> threads;
    for (size_t i = 0; i < workers; ++i) threads.emplace_back(work);
  }
  for (size_t i = 0; i < jobs.size(); ++i) {
    Result<CycleOutcome> result = std::move(*results[i]);
    if (!result && stop_.requested()) {
      result = fail(ErrorCode::kCancelled, result.error().message);
    }
    outcomes.push_back({jobs[i].scope, std::move(result)});
  }
  return outcomes;
}

}  // namespace sgwatch
