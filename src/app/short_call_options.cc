#include "app/short_call_options.h"

namespace sgwatch {

CurlTransportOptions short_call_options() {
  CurlTransportOptions options;
  options.connect_timeout = std::chrono::seconds(5);
  options.total_timeout = std::chrono::seconds(15);
  options.max_response_bytes = 1 << 20;
  return options;
}

}  // namespace sgwatch
