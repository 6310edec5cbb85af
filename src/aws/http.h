// HTTP requests and responses as sgwatch's AWS client sees them, and the transport
// interface that carries them. The transport is an interface so tests can put faults
// between the client and a loopback server.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace sgwatch {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute: "https://ec2.eu-west-1.amazonaws.com/?Action=..."
  HttpHeaders headers;
  std::string body;

  // The first header called `name` (case-insensitive), or "".
  std::string header(const std::string& name) const;
  // Replaces every header called `name` with one of `value`.
  void set_header(const std::string& name, const std::string& value);
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;

  std::string header(const std::string& name) const;
};

// Why a request got no HTTP response at all. Each is retryable or not by its nature.
enum class TransportFailure {
  kConnect,    // refused, unreachable, DNS: nothing was sent
  kTimeout,    // connect or total timeout
  kBroken,     // connection reset or closed early, truncated body
  kTooLarge,   // the response exceeded the size cap
  kCancelled,  // shutdown asked the transport to stop
  kTls,        // certificate or handshake failure
  kRefused,    // the transport's policy refused the address (tests: non-loopback)
};

// "cannot connect", "timed out", ...: the failure in a few words, for messages.
const char* to_string(TransportFailure failure);

struct TransportError {
  TransportFailure failure;
  std::string message;  // names the host, never a credential or query string
};

template <typename T>
using TransportResult = tl::expected<T, TransportError>;

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Sends one request and returns the whole response. Thread-safe.
  virtual TransportResult<HttpResponse> send(const HttpRequest& request) = 0;
  // For shutdown: sends in flight end soon with kCancelled, and later ones at once. A
  // transport that cannot be interrupted leaves its sends to their timeouts.
  virtual void cancel_all() {}
};

}  // namespace sgwatch
