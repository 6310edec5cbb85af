// Observing accounts: which accounts and regions, with whose credentials, and one cycle
// over all of them. Shared by `once` (one cycle) and `watch` (a cycle per interval).
//
// Each account is either the one the default credential chain belongs to, or a role that
// chain's identity assumes (with an external id). Regions are a list or every region the
// account has enabled (DescribeRegions, asked once). A cycle observes every scope
// (account x region), at most `concurrency` at a time; a scope whose read fails is skipped
// whole, and a stop request cancels calls in flight without recording anything partial.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/scope_cycle.h"
#include "app/stop_signal.h"
#include "aws/credential_provider.h"
#include "aws/curl_transport.h"
#include "aws/endpoints.h"
#include "aws/query_client.h"
#include "aws/retry_policy.h"
#include "aws/shared_config.h"
#include "aws/sts_client.h"
#include "core/clock.h"
#include "state/locked_store.h"

namespace sgwatch {

struct ObserveOptions {
  std::vector<std::string> regions;    // names, or just "all"; empty: the configured region
  std::vector<std::string> role_arns;  // empty: the default credentials' own account
  std::string external_id;             // sent with every role ARN; empty: none
  std::string session_name = "sgwatch";
  int concurrency = 4;                 // scopes observed at once
};

struct ScopeOutcome {
  Scope scope;
  Result<CycleOutcome> outcome;
};

class Observer {
 public:
  // Resolves the accounts (asking STS who the default credentials are, unless the store
  // remembers) and checks every option; regions = all is resolved on the first cycle.
  static Result<std::unique_ptr<Observer>> create(const ObserveOptions& options, EnvLookup env,
                                                  const Clock& clock, Store& store,
                                                  StopSignal& stop);
  ~Observer();

  // One cycle over every scope. A scope that failed carries its error; after a stop
  // request the scopes not finished carry ErrorCode::kCancelled.
  std::vector<ScopeOutcome> run_cycle();

  CallCounts calls() const { return client_.counts(); }

 private:
  struct Account;
  Observer(const ObserveOptions& options, EnvLookup env, const Clock& clock, Store& store,
           StopSignal& stop, SharedConfig config, Region home_region, int max_attempts);
  Status add_accounts(const ObserveOptions& options, const EnvLookup& env);
  Result<KnownCaller> default_identity(const AwsCredentials& credentials);
  Result<std::vector<Region>> regions_of(Account& account);
  Result<CycleOutcome> observe(Account& account, const Scope& scope);

  const Clock& clock_;
  LockedStore store_;
  StopSignal& stop_;
  SharedConfig config_;
  CurlTransport transport_;
  CurlTransport metadata_transport_;
  RetryPolicy retries_;
  QueryClient client_;
  Region home_region_;
  std::unique_ptr<StsClient> sts_;
  std::shared_ptr<CredentialProvider> default_credentials_;
  std::vector<std::unique_ptr<Account>> accounts_;
  std::vector<std::string> region_names_;  // as asked; {"all"} for every enabled region
  int concurrency_;
  size_t stop_handle_ = 0;
};

}  // namespace sgwatch
