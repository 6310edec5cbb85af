// What `sgwatch validate` checks of the [sqs] queues before `watch` reads them: that
// sgwatch's own credentials may read each queue (GetQueueAttributes), and that each has a
// dead-letter queue to take the messages that can never be handled.
#pragma once

#include <string>

#include "app/checklist.h"
#include "app/sqs_config.h"
#include "aws/credential_provider.h"
#include "aws/sqs_client.h"

namespace sgwatch {

// One line per queue (nothing when [sqs] has none). `credentials` nullptr: none could be
// had, for the reason in `credentials_error`.
void check_sqs_queues(const SqsSettings& settings, SqsApi& sqs, CredentialProvider* credentials,
                      const std::string& credentials_error, Checklist& checklist);

}  // namespace sgwatch
