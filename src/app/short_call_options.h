// The transport settings of the calls `sgwatch watch` expects to answer at once and small:
// SNS signing certificates, SubscribeURL confirmations, SQS deletes and visibility
// changes. Long polls have settings of their own (sqs_intake.cc).
#pragma once

#include "aws/curl_transport.h"

namespace sgwatch {

// A slow or stuck AWS endpoint must not hold a delivery, a message in hand or a shutdown
// for long, and a certificate or confirmation is never near 1 MiB.
CurlTransportOptions short_call_options();

}  // namespace sgwatch
