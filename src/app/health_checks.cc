#include "app/health_checks.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/duration.h"
#include "core/time_format.h"

namespace sgwatch {
namespace {

std::string scope_words(const Scope& scope) {
  return fmt::format("{} in {}", scope.account.str(), scope.region.str());
}

// "31m2s": whole seconds are enough for people.
std::string ago(Timestamp then, Timestamp now) {
  return format_duration(std::chrono::duration_cast<std::chrono::seconds>(now - then));
}

// The trail a call names: requestParameters.name (a name or an ARN).
std::string trail_name(std::string_view record) {
  const auto parsed = nlohmann::json::parse(record, nullptr, false);
  if (!parsed.is_object()) return "";
  auto parameters = parsed.find("requestParameters");
  if (parameters == parsed.end() || !parameters->is_object()) return "";
  auto name = parameters->find("name");
  return name != parameters->end() && name->is_string() ? name->get<std::string>() : "";
}

}  // namespace

std::optional<HealthProblem> scope_failing(const ScopeStatus& status,
                                           const HealthSettings& settings, Timestamp now) {
  if (status.failures_in_a_row < settings.scope_failures) return std::nullopt;

  HealthProblem problem{.kind = HealthProblemKind::kScopeFailing,
                        .scope = status.scope,
                        .subject = scope_words(status.scope),
                        .incident = status.last_good ? format_utc(*status.last_good) : "never",
                        .since = status.last_good,
                        .seen_at = now};
  problem.summary =
      status.last_good
          ? fmt::format("sgwatch has not read account {} in {} for {} ({} cycles failed in "
                        "a row); changes there go unseen. The last error: {}",
                        status.scope.account.str(), status.scope.region.str(),
                        ago(*status.last_good, now), status.failures_in_a_row,
                        status.last_error)
          : fmt::format("sgwatch has never read account {} in {}: {} cycles failed. The last "
                        "error: {}",
                        status.scope.account.str(), status.scope.region.str(),
                        status.failures_in_a_row, status.last_error);
  problem.details = {{"failed_cycles_in_a_row", status.failures_in_a_row},
                     {"last_error", status.last_error}};
  return problem;
}

std::optional<HealthProblem> credentials_expiring(const CredentialStatus& status,
                                                  std::chrono::milliseconds renew_before,
                                                  Timestamp now) {
  if (!status.expiration || *status.expiration - now >= renew_before) return std::nullopt;
  const Timestamp expiration = *status.expiration;
  HealthProblem problem{.kind = HealthProblemKind::kCredentialsExpiring,
                        .scope = status.scope,
                        .subject = "the credentials of " + status.account,
                        .incident = format_utc(expiration),
                        .seen_at = now};
  const std::string when = expiration > now ? "expire at " + format_utc(expiration) + ", in " +
                                                  ago(now, expiration) + ","
                                            : "expired at " + format_utc(expiration);
  problem.summary = fmt::format(
      "The credentials sgwatch reads account {} with (from {}) {} and their source gave no "
      "newer ones: renew them, or sgwatch stops seeing the account.",
      status.account, status.source, when);
  problem.details = {{"source", status.source}, {"expires_at", format_utc(expiration)}};
  return problem;
}

std::vector<HealthProblem> destinations_failing(const std::vector<OutboxBacklog>& backlog,
                                                const HealthSettings& settings,
                                                const Scope& home, Timestamp now) {
  std::vector<HealthProblem> problems;
  for (const OutboxBacklog& owed : backlog) {
    const bool too_old = now - owed.oldest_created_at >= settings.outbox_age;
    const bool too_many = owed.pending >= settings.outbox_pending;
    if (owed.pending == 0 || (!too_old && !too_many)) continue;
    HealthProblem problem{.kind = HealthProblemKind::kDestinationFailing,
                          .scope = home,
                          .subject = "destination " + owed.destination,
                          .incident = format_utc(owed.oldest_created_at),
                          .since = owed.oldest_created_at,
                          .seen_at = now,
                          .spared_destination = owed.destination};
    problem.summary = fmt::format(
        "Destination {} owes {} alert{}, the oldest queued {} ago; they are kept and retried. "
        "`sgwatch outbox` shows why they fail.",
        owed.destination, owed.pending, owed.pending == 1 ? "" : "s",
        ago(owed.oldest_created_at, now));
    problem.details = {{"pending", owed.pending},
                       {"oldest_queued_at", format_utc(owed.oldest_created_at)}};
    problems.push_back(std::move(problem));
  }
  return problems;
}

std::optional<HealthProblem> trail_changed(const ApiCall& call, std::string_view record,
                                           const Scope& scope, Timestamp now) {
  static constexpr std::array<std::string_view, 3> kTrailCalls = {"StopLogging", "DeleteTrail",
                                                                   "UpdateTrail"};
  if (call.event_source != "cloudtrail.amazonaws.com" ||
      std::find(kTrailCalls.begin(), kTrailCalls.end(), call.event_name) == kTrailCalls.end()) {
    return std::nullopt;
  }
  const std::string name = trail_name(record);
  const std::string caller = call.actor.arn.empty() ? call.actor.type : call.actor.arn;
  // Stopping or deleting a trail blinds attribution; an update may redirect or narrow it.
  const bool blinds = call.event_name != "UpdateTrail";
  HealthProblem problem{.kind = HealthProblemKind::kTrailChanged,
                        .scope = scope,
                        .subject = name.empty() ? "a CloudTrail trail" : "trail " + name,
                        .incident = call.event_id,
                        .severity = blinds && !call.attempt() ? Severity::kHigh
                                                              : Severity::kMedium,
                        .since = call.event_time,
                        .seen_at = now};
  if (!call.actor.arn.empty()) problem.actors = {call.actor.arn};
  if (call.attempt()) {
    problem.summary = fmt::format("{} tried {} on {} in {} and was refused ({}).", caller,
                                  call.event_name, problem.subject, scope_words(scope),
                                  call.error_code);
  } else if (blinds) {
    problem.summary = fmt::format(
        "{} called {} on {} in {}: CloudTrail no longer records the calls that change "
        "security groups there, and sgwatch cannot say who makes them.",
        caller, call.event_name, problem.subject, scope_words(scope));
  } else {
    problem.summary = fmt::format(
        "{} called UpdateTrail on {} in {}: check that it still records management events "
        "where sgwatch reads them.",
        caller, problem.subject, scope_words(scope));
  }
  problem.details = {{"event_name", call.event_name},   {"event_id", call.event_id},
                     {"event_time", format_utc(call.event_time)}, {"source_ip", call.source_ip},
                     {"user_agent", call.user_agent}};
  if (call.attempt()) problem.details["error_code"] = call.error_code;
  return problem;
}

}  // namespace sgwatch
