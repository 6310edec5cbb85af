// The production HttpTransport: libcurl, with a small pool of connections per transport.
//
// Contract:
// - send() is thread-safe; concurrent sends each use their own libcurl handle, and an idle
//   handle keeps its connection open, so consecutive requests to one host reuse it.
// - TLS peer and host verification are always on; `ca_file` only replaces the trust store.
// - Proxies come from the environment as libcurl reads it (http_proxy, https_proxy,
//   HTTPS_PROXY, all_proxy, no_proxy); nothing here overrides that, except the loopback-only
//   policy, which bypasses proxies because nothing may leave the machine.
// - Only http and https; redirects are returned as responses, never followed.
// - Errors name the scheme, host and port, never the path, query, headers or body (a
//   presigned URL or an Authorization header carries credentials).
// - The transport must outlive every send() that uses it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "aws/http.h"

namespace sgwatch {

struct CurlTransportOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{30000};  // the whole exchange, body included
  // Decoded body bytes; a larger response fails with kTooLarge as soon as the cap is
  // crossed (or at once when Content-Length announces it), so it is never held in memory.
  std::size_t max_response_bytes = 64u << 20;
  std::string ca_file;  // PEM bundle to trust instead of the system store; "" = system
  // Refuses (kRefused, before connecting) any URL whose host is not 127.0.0.0/8, ::1 or
  // "localhost", and any socket libcurl would open to a non-loopback address. Tests use it
  // so that no request can reach the network.
  bool allow_only_loopback = false;
  std::size_t max_idle_connections = 8;  // idle handles kept for reuse; extras are closed
};

class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(CurlTransportOptions options = {});
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  TransportResult<HttpResponse> send(const HttpRequest& request) override;

  // Makes sends in flight fail with kCancelled within milliseconds, and every later send
  // fail at once, until reset_cancel(). For shutdown: nothing waits for a slow peer.
  void cancel_all() override;
  void reset_cancel();
  bool cancelled() const { return cancelled_.load(); }

  const CurlTransportOptions& options() const { return options_; }

 private:
  struct Slot;   // one libcurl multi + easy pair: a connection cache of its own
  struct Share;  // DNS and TLS session caches common to all slots

  std::unique_ptr<Slot> take_slot();
  void return_slot(std::unique_ptr<Slot> slot);

  const CurlTransportOptions options_;
  std::atomic<bool> cancelled_{false};
  std::unique_ptr<Share> share_;

  std::mutex mutex_;  // guards idle_ and active_
  std::vector<std::unique_ptr<Slot>> idle_;
  std::unordered_set<Slot*> active_;  // woken by cancel_all()
};

// libcurl gives CURLE_SSL_CONNECT_ERROR both for a handshake that failed (a plain server,
// no common protocol: the same next time) and for a connection cut during it (a reset, an
// early end: a network blip). This tells the second from libcurl's error text, so that
// only the first is taken for a TLS failure.
bool tls_handshake_was_cut(std::string_view curl_error_text);

}  // namespace sgwatch
