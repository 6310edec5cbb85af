#include "aws/http.h"

#include <strings.h>

#include <algorithm>

namespace sgwatch {
namespace {

std::string find_header(const HttpHeaders& headers, const std::string& name) {
  for (const auto& [key, value] : headers) {
    if (strcasecmp(key.c_str(), name.c_str()) == 0) return value;
  }
  return "";
}

}  // namespace

std::string HttpRequest::header(const std::string& name) const {
  return find_header(headers, name);
}

void HttpRequest::set_header(const std::string& name, const std::string& value) {
  std::erase_if(headers, [&](const auto& h) { return strcasecmp(h.first.c_str(), name.c_str()) == 0; });
  headers.emplace_back(name, value);
}

std::string HttpResponse::header(const std::string& name) const {
  return find_header(headers, name);
}

const char* to_string(TransportFailure failure) {
  switch (failure) {
    case TransportFailure::kConnect: return "cannot connect";
    case TransportFailure::kTimeout: return "timed out";
    case TransportFailure::kBroken: return "connection broke";
    case TransportFailure::kTooLarge: return "response too large";
    case TransportFailure::kCancelled: return "cancelled";
    case TransportFailure::kTls: return "TLS failed";
    case TransportFailure::kRefused: return "refused by policy";
  }
  return "failed";
}

}  // namespace sgwatch
