// Observing accounts: one cycle over every scope (account x region) of the accounts
// AccountAccess gives. Shared by `once` (one cycle) and `watch` (a cycle per interval).
//
// A cycle observes every scope, at most `concurrency` at a time; a scope whose read fails
// is skipped whole, and a stop request cancels calls in flight without recording anything
// partial. After a scope's cycle is recorded, its CloudTrail lookup settles what it can of
// the scope's pending changes (attributor.h), the changes due are picked (due_reports.h), and
// their alerts and those of the attempts found are queued in the outbox; a baseline's alert
// is queued with the baseline itself.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "app/account_access.h"
#include "app/due_reports.h"
#include "app/group_observation.h"
#include "app/health_checks.h"
#include "app/scope_cycle.h"
#include "app/stop_signal.h"
#include "core/clock.h"
#include "state/locked_store.h"

namespace sgwatch {

class WatchMetrics;

struct ScopeOutcome {
  Scope scope;
  Result<CycleOutcome> outcome;
};

class Observer {
 public:
  // Resolves the accounts (asking STS who the default credentials are, unless the store
  // remembers) and checks every option; regions = all is resolved on the first cycle.
  // `settings`: whether each scope's cycle is followed by a trail lookup, and which
  // changes are reported when.
  static Result<std::unique_ptr<Observer>> create(const ObserveOptions& options,
                                                  const CycleSettings& settings, EnvLookup env,
                                                  const Clock& clock, Store& store,
                                                  StopSignal& stop);

  // One cycle over every scope. A scope that failed carries its error; after a stop
  // request the scopes not finished carry ErrorCode::kCancelled.
  std::vector<ScopeOutcome> run_cycle();

  // Records one group an event source saw, when it is news: not stale (a cycle of the
  // scope began after it was captured), its state_id newer than any taken in, not already
  // the stored state, in a scope that had its baseline, of an account sgwatch observes. Then, as after a cycle, the scope's
  // trail lookup (asking for `related_events` by id when the window misses them) and the
  // alerts of the changes due. Serialised with the scope's cycles, so a cycle and an event
  // never record the same group from views of different ages, nor two events out of
  // order. Waits at most `kEventWait` for a cycle of the scope to end, then fails with
  // kBusy (the source delivers again). Thread-safe.
  Result<ObservedGroup> observe_group(const GroupObservation& observation);
  static constexpr std::chrono::seconds kEventWait{10};

  // An event's targeted refresh: reads `group` of `scope` now (DescribeSecurityGroups
  // filtered by its id; absent from the answer means deleted) and records what it read as
  // observe_group() does, the read and the record both under the scope's lock, so two
  // events of one group are recorded in the order of their reads. `related_events` are
  // stored already (keep_event()). A failed read records nothing. Thread-safe.
  Result<ObservedGroup> refresh_group(const Scope& scope, const GroupId& group,
                                      const std::vector<std::string>& related_events);

  // Keeps one CloudTrail record an event source carried (JSON text, as LookupEvents'
  // CloudTrailEvent), so attribution need not look it up; a refused call against a group
  // sgwatch knows is queued as an attempt alert each time the record comes (the alert id,
  // made from the event id, keeps it to one alert). Returns whether the record concerns a
  // security group. Thread-safe.
  Result<bool> keep_event(const Scope& scope, std::string_view record);

  // The credentials of an observed account, for calls an event source makes on its behalf
  // (AWS Config's GetResourceConfigHistory); nullptr when the account is not observed.
  CredentialProvider* credentials_of(const AccountId& account) const;

  CallCounts calls() const { return access_->calls(); }
  // The AWS client every account's calls go through, for other APIs (AWS Config).
  QueryClient& client() { return access_->client(); }
  // The region asked when nothing names one (AWS_REGION, the profile's, the first listed).
  const Region& home_region() const { return access_->home_region(); }
  // The process's own AWS identity, for the SES destination and the SQS queues.
  std::shared_ptr<CredentialProvider> default_credentials() const {
    return access_->default_credentials();
  }

  // Self-alerts (health_problem.h). The credentials of every observed account, as last
  // handed out (renewed first if due).
  std::vector<CredentialStatus> credential_statuses();
  // The account the default credentials belong to (once known) in the home region: where a
  // problem of sgwatch's own (a destination failing) is said to be.
  std::optional<Scope> home_scope() const;
  // Queues the problems' alerts (unless [health] alerts is off). Thread-safe.
  Status tell_health(const std::vector<HealthProblem>& problems);
  // A CloudTrail call an event source carried: when it stops, deletes or updates a trail,
  // logs it and tells it (trail_changed()); returns whether it was one. Thread-safe.
  Result<bool> keep_trail_change(const Scope& scope, const ApiCall& call,
                                 std::string_view record);

  // From now on each cycle, and each change recorded, is counted into `metrics` (null:
  // nothing is). Call before the first cycle and before event sources start; `metrics`
  // must outlive the observer.
  void report_to(WatchMetrics* metrics) { metrics_ = metrics; }

 private:
  Observer(std::unique_ptr<AccountAccess> access, const CycleSettings& settings,
           const Clock& clock, Store& store, StopSignal& stop, int concurrency);
  // After the scope's cycle was recorded: the trail lookup and the changes due.
  // `related`: event ids a source named for the changes (Attributor::run).
  Status follow_up(const AwsCredentials& credentials, const Scope& scope, CycleOutcome& outcome,
                   const std::vector<std::string>& related = {},
                   Attributor::Mode mode = Attributor::Mode::kLookup);
  // The alerts of a scope's baseline, queued with it.
  std::vector<Alert> baseline_alerts(const Snapshot& snapshot) const;
  // The alerts of the attempts in the lookup's window (queued again each cycle: their ids
  // keep them once).
  Status queue_attempt_alerts(const Scope& scope, const std::vector<ApiCall>& attempts);
  Status learn_default_account(WatchedAccount& account);
  Result<KnownCaller> default_identity(const AwsCredentials& credentials);
  Result<CycleOutcome> observe(WatchedAccount& account, const Scope& scope);
  // Held while a scope is read and recorded, by a cycle or an event.
  std::timed_mutex& scope_lock(const Scope& scope);
  // observe_group() with the scope's lock held.
  Result<ObservedGroup> observe_group_locked(const GroupObservation& observation,
                                             CredentialProvider& provider);

  std::unique_ptr<AccountAccess> access_;
  CycleSettings settings_;
  const Clock& clock_;
  LockedStore store_;
  Attributor attributor_;
  StopSignal& stop_;
  int concurrency_;
  std::mutex scope_locks_mutex_;  // guards scope_locks_
  std::map<Scope, std::unique_ptr<std::timed_mutex>> scope_locks_;
  WatchMetrics* metrics_ = nullptr;
};

}  // namespace sgwatch
