#include "app/sqs_checks.h"

#include <fmt/format.h>

namespace sgwatch {
namespace {

constexpr int kFewestReceives = 10;

}  // namespace

void check_sqs_queues(const SqsSettings& settings, SqsApi& sqs, CredentialProvider* credentials,
                      const std::string& credentials_error, Checklist& checklist) {
  for (const SqsQueue& queue : settings.queues) {
    const std::string subject = "sqs queue " + queue.name();
    if (credentials == nullptr) {
      checklist.fail(subject, "no credentials to read it with: " + credentials_error);
      continue;
    }
    auto resolved = credentials->credentials();
    if (!resolved) {
      checklist.fail(subject, "no credentials to read it with: " + resolved.error().message);
      continue;
    }
    auto attributes = sqs.attributes(*resolved, queue);
    if (!attributes) {
      checklist.fail(subject, fmt::format("cannot read {}: {} (sgwatch needs "
                                          "sqs:GetQueueAttributes, sqs:ReceiveMessage, "
                                          "sqs:DeleteMessage and sqs:ChangeMessageVisibility)",
                                          queue.url, attributes.error().message));
      continue;
    }
    const std::string seen = fmt::format("{} in {}: {} message(s) waiting, {} in flight",
                                         attributes->arn, queue.region.str(),
                                         attributes->visible, attributes->in_flight);
    if (!attributes->dead_letter_arn) {
      checklist.warn(subject, seen + "; no dead-letter queue: a message that can never be "
                                     "handled comes back until the queue drops it (set a "
                                     "redrive policy)");
    } else {
      const std::string redrive = fmt::format("{}; poison goes to {} after {} receives", seen,
                                              *attributes->dead_letter_arn,
                                              attributes->max_receive_count);
      // A message that failed for a passing reason (AWS or the store down for minutes)
      // is received again each visibility timeout: a few receives end it in the DLQ.
      if (attributes->max_receive_count < kFewestReceives) {
        checklist.warn(subject, fmt::format("{}; events failing through a short outage would "
                                            "join it: set maxReceiveCount to {} or more",
                                            redrive, kFewestReceives));
      } else {
        checklist.ok(subject, redrive);
      }
    }
  }
}

}  // namespace sgwatch
