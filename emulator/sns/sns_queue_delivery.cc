#include "emulator/sns/sns_queue_delivery.h"

#include <algorithm>

namespace sgwatch::emulator {

bool is_sqs_queue_arn(const std::string& endpoint) {
  return endpoint.starts_with("arn:aws:sqs:") &&
         std::count(endpoint.begin(), endpoint.end(), ':') == 5 && !endpoint.ends_with(":");
}

void SnsQueueDelivery::deliver(const std::string& queue_arn, const std::string& body) {
  const bool taken = sink_ && sink_(queue_arn, body);
  ++(taken ? delivered_ : dropped_);
}

}  // namespace sgwatch::emulator
