#include "app/observer.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include <spdlog/spdlog.h>

#include "app/metrics_server.h"
#include "attribution/stored_calls.h"
#include "risk/assess.h"
#include "sources/ec2_snapshot.h"

namespace sgwatch {

Result<std::unique_ptr<Observer>> Observer::create(const ObserveOptions& options,
                                                   const CycleSettings& settings, EnvLookup env,
                                                   const Clock& clock, Store& store,
                                                   StopSignal& stop) {
  auto access = AccountAccess::create(options, std::move(env), clock, stop);
  if (!access) return tl::unexpected(access.error());
  std::unique_ptr<Observer> observer(
      new Observer(std::move(*access), settings, clock, store, stop, options.concurrency));
  for (auto& account : observer->access_->accounts()) {
    if (!account->id) {
      if (auto learned = observer->learn_default_account(*account); !learned) {
        return tl::unexpected(learned.error());
      }
      spdlog::info("Observing account {} as {}.", account->label(), account->principal);
    } else {
      spdlog::info("Observing account {} through role {}.", account->label(), account->principal);
    }
  }
  return observer;
}

Observer::Observer(std::unique_ptr<AccountAccess> access, const CycleSettings& settings,
                   const Clock& clock, Store& store, StopSignal& stop, int concurrency)
    : access_(std::move(access)),
      settings_(settings),
      clock_(clock),
      store_(store),
      attributor_(access_->trail(), store_, settings.attribution),
      stop_(stop),
      concurrency_(concurrency) {}

Status Observer::learn_default_account(WatchedAccount& account) {
  auto credentials = account.credentials->credentials();
  if (!credentials) return tl::unexpected(credentials.error());
  auto identity = default_identity(*credentials);
  if (!identity) return tl::unexpected(identity.error());
  for (const auto& other : access_->accounts()) {
    if (other.get() != &account && other->id == identity->account) {
      return invalid("account " + identity->account.str() +
                     " is listed twice: once through its role, once as the default "
                     "credentials' own account");
    }
  }
  account.id = identity->account;
  account.principal = identity->arn;
  return {};
}

Result<KnownCaller> Observer::default_identity(const AwsCredentials& credentials) {
  // An access key never changes hands, so a quiet `once` need not ask STS every run.
  auto known = store_.caller_identity(credentials.access_key_id);
  if (known && *known) return **known;
  auto identity = access_->sts().get_caller_identity(credentials);
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

std::timed_mutex& Observer::scope_lock(const Scope& scope) {
  std::lock_guard guard(scope_locks_mutex_);
  auto& lock = scope_locks_[scope];
  if (!lock) lock = std::make_unique<std::timed_mutex>();
  return *lock;
}

CredentialProvider* Observer::credentials_of(const AccountId& account) const {
  for (const auto& watched : access_->accounts()) {
    if (watched->id == account) return watched->credentials.get();
  }
  return nullptr;
}

Result<ObservedGroup> Observer::observe_group(const GroupObservation& observation) {
  const Scope& scope = observation.scope;
  CredentialProvider* provider = credentials_of(scope.account);
  if (provider == nullptr) return ObservedGroup{ObservationVerdict::kUnwatched, std::nullopt};
  std::unique_lock hold(scope_lock(scope), std::defer_lock);
  if (!hold.try_lock_for(kEventWait)) {
    return fail(ErrorCode::kBusy, "a cycle of " + scope.str() + " is still running");
  }
  if (observation.state_id) {
    auto seen = store_.config_state(observation.group);
    if (!seen) return tl::unexpected(seen.error());
    if (*seen && **seen >= *observation.state_id) {
      return ObservedGroup{ObservationVerdict::kSeen, std::nullopt};
    }
  }
  auto observed = observe_group_locked(observation, *provider);
  if (observed && observation.state_id &&
      observed->verdict != ObservationVerdict::kNoBaseline) {
    if (auto kept = store_.remember_config_state(observation.group, *observation.state_id,
                                                 observation.captured_at);
        !kept) {
      return tl::unexpected(kept.error());
    }
  }
  return observed;
}

Result<ObservedGroup> Observer::refresh_group(const Scope& scope, const GroupId& group,
                                              const std::vector<std::string>& related_events) {
  CredentialProvider* provider = credentials_of(scope.account);
  if (provider == nullptr) return ObservedGroup{ObservationVerdict::kUnwatched, std::nullopt};
  std::unique_lock hold(scope_lock(scope), std::defer_lock);
  if (!hold.try_lock_for(kEventWait)) {
    return fail(ErrorCode::kBusy, "a cycle of " + scope.str() + " is still running");
  }
  // A region never polled (a rule for every region, a region left out) costs no call.
  auto last = store_.last_snapshot(scope);
  if (!last) return tl::unexpected(last.error());
  if (!*last) return ObservedGroup{ObservationVerdict::kNoBaseline, std::nullopt};

  GroupObservation observation{scope, group, std::nullopt, clock_.now(), related_events,
                               true, std::nullopt};
  // Credentials refused as expired before their time are fetched again once, as a cycle does.
  for (int attempt = 1;; ++attempt) {
    auto credentials = provider->credentials();
    if (!credentials) return tl::unexpected(credentials.error().within(scope.str()));
    auto read = read_group(access_->client(), *credentials, scope, group);
    if (read) {
      observation.content = std::move(*read);
      break;
    }
    if (read.error().code == ErrorCode::kExpiredCredentials && attempt == 1) {
      provider->invalidate();
      continue;
    }
    // A garbled EC2 answer is AWS's fault, not the event's: the event is tried again.
    if (read.error().code == ErrorCode::kInvalidInput) {
      return fail(ErrorCode::kIo, read.error().message);
    }
    return tl::unexpected(read.error());
  }
  return observe_group_locked(observation, *provider);
}

Result<bool> Observer::keep_event(const Scope& scope, std::string_view record) {
  auto event = security_group_event(record, scope);
  if (!event) return tl::unexpected(event.error());
  if (!*event) return false;
  auto added = store_.add_events({**event});
  if (!added) return tl::unexpected(added.error());
  if ((*event)->failed) {
    auto call = call_of(**event);
    if (!call) return tl::unexpected(call.error());
    // Queued again if the event comes again: the alert's id keeps it once.
    if (auto queued = queue_attempt_alerts(scope, {*call}); !queued) {
      return tl::unexpected(queued.error());
    }
  }
  return true;
}

Result<ObservedGroup> Observer::observe_group_locked(const GroupObservation& observation,
                                                     CredentialProvider& provider) {
  const Scope& scope = observation.scope;
  auto last = store_.last_snapshot(scope);
  if (!last) return tl::unexpected(last.error());
  if (!*last) return ObservedGroup{ObservationVerdict::kNoBaseline, std::nullopt};
  // A cycle that began after the capture saw this state or a newer one.
  if (observation.captured_at < (*last)->observed_at) {
    return ObservedGroup{ObservationVerdict::kStale, std::nullopt};
  }
  auto latest = store_.latest(observation.group);
  if (!latest) return tl::unexpected(latest.error());
  // Nor may it undo what a later observation of the group recorded (a targeted refresh
  // read the group after this state was captured): that would be a change back and forth.
  if (*latest && observation.captured_at < (*latest)->observed_at) {
    return ObservedGroup{ObservationVerdict::kStale, std::nullopt};
  }
  const bool stored = *latest && !(*latest)->deleted() && (*latest)->scope == scope;

  Snapshot snapshot{scope, std::max(clock_.now(), (*last)->observed_at), {}, true, {}};
  ScopeChanges changes;
  if (observation.content) {
    Group group = *observation.content;
    canonicalize(group);
    if (stored && (*latest)->content_hash == content_hash(group)) {
      return ObservedGroup{ObservationVerdict::kUnchanged, std::nullopt};
    }
    snapshot.groups.push_back(std::move(group));
    changes.changed.push_back({0, stored});
    changes.groups_seen = 1;
  } else {
    if (!stored) return ObservedGroup{ObservationVerdict::kUnchanged, std::nullopt};
    changes.missing.push_back(observation.group);
  }
  // The change happened after the group's previous state was last known: the scope's
  // last cycle, or a later event's revision of the group.
  Timestamp since = (*last)->observed_at;
  if (*latest) since = std::max(since, (*latest)->observed_at);

  auto credentials = provider.credentials();
  if (!credentials) return tl::unexpected(credentials.error().within(scope.str()));
  auto recorded = record_snapshot(store_, snapshot, changes, settings_.attribution.lookup, {},
                                  since);
  if (!recorded) return tl::unexpected(recorded.error());
  if (metrics_) metrics_->record_changes(*recorded, "event");
  ObservedGroup observed{ObservationVerdict::kRecorded, std::nullopt};
  if (!recorded->diffs.empty()) observed.diff = recorded->diffs.front();

  CycleOutcome outcome{std::move(snapshot), std::move(*recorded), std::nullopt, "", {}};
  const auto mode = observation.related_events_kept ? Attributor::Mode::kStoredFirst
                                                   : Attributor::Mode::kLookup;
  if (auto followed = follow_up(*credentials, scope, outcome, observation.related_events, mode);
      !followed) {
    if (followed.error().code == ErrorCode::kCancelled) return tl::unexpected(followed.error());
    // Recorded: the next cycle's follow-up reports it.
    spdlog::warn("Recorded {} of {}, but could not tell what is due: {}",
                 observation.group.str(), scope.str(), followed.error().message);
  }
  return observed;
}

Result<CycleOutcome> Observer::observe(WatchedAccount& account, const Scope& scope) {
  std::lock_guard hold(scope_lock(scope));
  // Credentials refused as expired before their time (a revoked session, a skewed clock)
  // are fetched again once; the scope is read again from its first page.
  for (int attempt = 1;; ++attempt) {
    auto credentials = account.credentials->credentials();
    if (!credentials) return tl::unexpected(credentials.error().within(scope.str()));
    auto outcome = run_scope_cycle(
        access_->client(), *credentials, store_, scope, clock_.now(),
        settings_.attribution.lookup,
        [this](const Snapshot& snapshot) { return baseline_alerts(snapshot); });
    if (outcome) {
      if (metrics_) metrics_->record_changes(outcome->result, "cycle");
      if (auto followed = follow_up(*credentials, scope, *outcome); !followed) {
        if (followed.error().code == ErrorCode::kCancelled) return tl::unexpected(followed.error());
        // The cycle is recorded; its changes stay unreported in the store until a later
        // cycle reports them.
        spdlog::warn("Recorded {}, but could not tell what is due: {}", scope.str(),
                     followed.error().message);
      }
      return outcome;
    }
    if (outcome.error().code != ErrorCode::kExpiredCredentials || attempt > 1) return outcome;
    spdlog::info("The credentials for {} were refused as expired; fetching new ones.",
                 scope.str());
    account.credentials->invalidate();
  }
}

Status Observer::follow_up(const AwsCredentials& credentials, const Scope& scope,
                           CycleOutcome& outcome, const std::vector<std::string>& related,
                           Attributor::Mode mode) {
  if (settings_.attribution.lookup) {
    auto attributed = attributor_.run(credentials, scope, clock_.now(), related, mode);
    if (attributed) {
      outcome.attribution = std::move(*attributed);
    } else if (attributed.error().code == ErrorCode::kCancelled) {
      return tl::unexpected(attributed.error());
    } else {
      // The changes are recorded; they wait for the next lookup (or their wait to end).
      outcome.attribution_error = attributed.error().message;
      spdlog::warn("Could not look up who changed groups in {}: {}", scope.str(),
                   outcome.attribution_error);
    }
  }
  auto due = take_due_reports(store_, scope, clock_.now(), settings_);
  if (!due) return tl::unexpected(due.error());
  outcome.reports = std::move(*due);
  if (!outcome.attribution) return {};
  return queue_attempt_alerts(scope, outcome.attribution->attempts_in_window);
}

std::vector<Alert> Observer::baseline_alerts(const Snapshot& snapshot) const {
  if (!settings_.alerts || !settings_.alerts->has_destinations()) return {};
  std::vector<Finding> findings;
  if (settings_.risk) findings = assess_groups(snapshot.groups, *settings_.risk);
  return settings_.alerts->for_baseline(snapshot.scope, snapshot.groups.size(), findings,
                                        snapshot.observed_at);
}

Status Observer::queue_attempt_alerts(const Scope& scope, const std::vector<ApiCall>& attempts) {
  if (!settings_.alerts || !settings_.alerts->has_destinations()) return {};
  std::vector<Alert> alerts;
  for (const ApiCall& call : attempts) {
    for (const GroupEffect& effect : call.effects) {
      auto group = store_.latest(effect.group);
      if (!group) return tl::unexpected(group.error());
      if (!*group || !(*group)->content) continue;  // attempts are on groups sgwatch knows
      for (Alert& alert :
           settings_.alerts->for_attempt(scope, call, *(*group)->content, clock_.now())) {
        alerts.push_back(std::move(alert));
      }
    }
  }
  if (alerts.empty()) return {};
  return store_.queue_alerts(alerts);
}

std::vector<ScopeOutcome> Observer::run_cycle() {
  const Timestamp began = clock_.now();
  struct Job {
    WatchedAccount* account;
    Scope scope;
  };
  std::vector<Job> jobs;
  std::vector<ScopeOutcome> outcomes;
  for (auto& account : access_->accounts()) {
    auto regions = access_->regions_of(*account);
    if (!regions) {
      // Nothing of the account can be observed; its scopes are unknown, so it is reported
      // under its home region.
      outcomes.push_back(
          {Scope{*account->id, access_->home_region()}, tl::unexpected(regions.error())});
      continue;
    }
    for (const Region& region : *regions) jobs.push_back({account.get(), Scope{*account->id, region}});
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
  if (metrics_) metrics_->record_cycle(outcomes, clock_.now() - began);
  return outcomes;
}

}  // namespace sgwatch
