// The SMTP destination: one SMTP connection per alert, through libcurl's SMTP client.
//
// What the server sees:
//   EHLO, STARTTLS and EHLO again (kStartTls; with kImplicit the connection is TLS from
//   its first byte), AUTH when a user name is set (libcurl picks the best mechanism the
//   server offers), MAIL FROM:<envelope sender>, one RCPT TO per recipient, DATA with the
//   composed message as is, QUIT. A connection is never reused: alerts are rare, and a
//   fresh connection per alert cannot meet one the server closed while it sat idle.
//
// How an attempt is judged (DeliveryOutcome):
// - the message accepted (250 after DATA): ok.
// - the server refused with a 4xx reply (450 mailbox busy, 421 closing, 454 temporary
//   authentication failure): retry. With a 5xx reply (550 no such user, 554, 535 bad
//   credentials): fatal, naming the code and the server's reply.
// - no answer: retry when the cause may pass (cannot connect, timed out, connection broke,
//   cancelled); fatal when it will not: TLS or certificate failures, STARTTLS required but
//   not offered, a login refused.
// - the composer's error, an envelope address that is not plain (check_email_address()),
//   or a message that is not 7-bit ASCII: fatal, before connecting.
// All recipients or none: one refused recipient refuses the alert, since a partial
// delivery could not be retried for the others alone.
//
// Reasons start with "smtp host:port: ". Neither reasons, describe() nor errors ever hold
// the password (nor its base64 forms, which AUTH sends); the server's own reply text is
// quoted only when it holds none of them.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "core/error.h"
#include "notify/outgoing_email.h"
#include "notify/sinks/sink.h"

namespace sgwatch {

enum class SmtpTls {
  kStartTls,  // smtp:// and STARTTLS, required: a server without it is a fatal error
  kImplicit,  // smtps://: TLS from the first byte (port 465)
  kNone,      // plain text; only to a loopback address (a local relay, tests)
};

struct SmtpOptions {
  std::string host;  // a name or an IP address; IPv6 with or without brackets
  int port = 587;
  SmtpTls tls = SmtpTls::kStartTls;
  std::string username;  // "" = no AUTH
  std::string password;  // secret
  std::string ca_file;   // PEM bundle to verify the server with; "" = the system's CAs
  std::chrono::milliseconds timeout{30000};  // the whole exchange, connect to QUIT
};

// Checks what can be known without connecting: a host, a port in 1..65535, a positive
// timeout, a password only with a user name, and a loopback host for kNone. The message
// names the problem, never the password.
[[nodiscard]] Status check_smtp_options(const SmtpOptions& options);

class SmtpSink final : public Sink {
 public:
  // Options check_smtp_options() refuses are not thrown on: every deliver() then answers
  // Fatal with its message, so a bad destination stops its own alerts and nothing else.
  SmtpSink(SmtpOptions options, EmailComposer compose);
  ~SmtpSink() override;
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  DeliveryOutcome deliver(const Alert& alert) override;
  // Ends a deliver() in flight within milliseconds (Retry, "cancelled"), and every later
  // one at once: cancelling is for shutdown.
  void cancel() override;
  std::string describe() const override;  // "smtp mail.example.com:587 (starttls)"

 private:
  struct Handles;  // libcurl's

  const SmtpOptions options_;
  const EmailComposer compose_;
  const Status options_status_;
  const std::string target_;  // "smtp host:port", the start of every reason
  std::atomic<bool> cancelled_{false};
  std::unique_ptr<Handles> handles_;
};

// For `sgwatch validate`: connects, says EHLO, does STARTTLS or TLS as configured (the
// certificate verified) and AUTH when a user name is set, then QUIT; no mail is sent. The
// error names host:port and what failed: "smtp mail.example.com:587: the server refused
// the login (535 5.7.8 Authentication credentials invalid)". A user name set for a server
// that offers no AUTH is an error too, since mail would then go out unauthenticated.
[[nodiscard]] Status check_smtp_server(const SmtpOptions& options);

}  // namespace sgwatch
