// The SNS HTTP(S) endpoint: where an SNS topic (AWS Config's, typically) delivers. Every
// message is verified (SnsVerifier: signature, certificate, age, topic allow-list) before
// anything else looks at it, then:
// - SubscriptionConfirmation: confirmed by fetching its SubscribeURL, which must be https
//   on an SNS host (or the test-only trusted loopback host), so the endpoint can be
//   subscribed to allowed topics only;
// - UnsubscribeConfirmation: logged (an operator's act, never undone by sgwatch);
// - Notification: handed to the handler; 200 only once the handler has durably taken it
//   in, so SNS delivers again after a failure.
// A MessageId handled before is acknowledged and nothing more (SNS delivers at least once).
//
// Answers: 200 taken in or a duplicate; 400 not an SNS message, or a message the handler
// refuses for good; 403 failed verification; 413 a body over the limit; 500/503 a failure
// worth SNS's retry. The server binds loopback unless told otherwise; TLS is native when a
// certificate and key are given, else expected from a reverse proxy.
//
// Thread-safety: handle() runs on the server's threads; the verifier, store, transport
// and handler must be thread-safe, and outlive the endpoint.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "aws/http.h"
#include "core/clock.h"
#include "core/error.h"
#include "sources/sns_message.h"
#include "sources/sns_verifier.h"
#include "state/store.h"

namespace httplib {
class Server;
}

namespace sgwatch {

struct SnsEndpointOptions {
  std::string host = "127.0.0.1";
  int port = 0;                // 0: any free port (tests)
  std::string path = "/sns";   // the subscription's URL path
  size_t max_body_bytes = 1 << 20;  // SNS messages are at most 256 KiB before JSON escaping
  std::string tls_certificate_file;  // both set: HTTPS natively
  std::string tls_key_file;
};

// What a Notification becomes. kInvalidInput: the message can never be taken in (400,
// not retried); other errors: try again later (500). The string is a few words for the log.
using SnsNotificationHandler = std::function<Result<std::string>(const SnsMessage& message)>;

class SnsEndpoint {
 public:
  // Binds and starts serving before it returns.
  static Result<std::unique_ptr<SnsEndpoint>> start(SnsEndpointOptions options,
                                                    const SnsVerifier& verifier, Store& store,
                                                    HttpTransport& transport, const Clock& clock,
                                                    SnsNotificationHandler handler);
  ~SnsEndpoint();
  SnsEndpoint(const SnsEndpoint&) = delete;
  SnsEndpoint& operator=(const SnsEndpoint&) = delete;

  int port() const { return port_; }
  // "http(s)://host:port/path".
  std::string url() const;

  struct Answer {
    int status = 200;
    std::string body;
  };
  // One delivery: its body and its x-amz-sns-message-type header ("" when absent).
  Answer handle(std::string_view body, std::string_view type_header);

  // Stops serving and waits for requests in progress. Idempotent.
  void stop();

 private:
  SnsEndpoint(SnsEndpointOptions options, const SnsVerifier& verifier, Store& store,
              HttpTransport& transport, const Clock& clock, SnsNotificationHandler handler);
  Answer confirm(const SnsMessage& message);
  Answer notify(const SnsMessage& message);
  // Remembers the id; 200 when that worked.
  Answer handled(const SnsMessage& message, std::string what);

  SnsEndpointOptions options_;
  const SnsVerifier& verifier_;
  Store& store_;
  HttpTransport& transport_;
  const Clock& clock_;
  SnsNotificationHandler handler_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

// Whether `url` may be fetched to confirm a subscription: https on an SNS host, or
// exactly the host and port of the test-only trusted certificate URL (when set).
Status check_subscribe_url(std::string_view url, std::string_view test_only_trusted_cert_url);

}  // namespace sgwatch
