#include "emulator/http_types.h"

#include <strings.h>

namespace sgwatch::emulator {

std::string Request::header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (strcasecmp(key.c_str(), name.c_str()) == 0) return value;
  }
  return "";
}

}  // namespace sgwatch::emulator
