#include "notify/sinks/smtp_sink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "aws/curl_transport.h"
#include "aws/loopback.h"
#include "core/digest.h"
#include "notify/email_message.h"

namespace sgwatch {
namespace {

using std::chrono::milliseconds;

// A server that does not even accept the connection in this time is not going to.
constexpr milliseconds kMaxConnectTimeout{10000};
// The server's reply lines kept for quoting; an exchange has a few dozen at most.
constexpr size_t kMaxReplyLines = 64;
// Quoted server text is cut here: a reason is one line in a log, not a transcript.
constexpr size_t kMaxQuoted = 200;

std::once_flag global_init_once;

// libcurl's global state must be set up once per process, before any thread uses it.
void ensure_curl_initialised() {
  std::call_once(global_init_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// --- Hosts ---

std::string_view unbracketed(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

bool is_ipv6_literal(std::string_view host) {
  in6_addr address{};
  return inet_pton(AF_INET6, std::string(unbracketed(host)).c_str(), &address) == 1;
}

// As the host appears in a URL and in messages: IPv6 in brackets.
std::string smtp_url_host(const std::string& host) {
  return is_ipv6_literal(host) ? "[" + std::string(unbracketed(host)) + "]" : host;
}

bool is_host_name(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '-' || c == '_';
  });
}

std::string printable(std::string_view text) {
  std::string out;
  for (char c : text) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return out;
}

std::string target_of(const SmtpOptions& options) {
  return fmt::format("smtp {}:{}", printable(smtp_url_host(options.host)), options.port);
}

const char* tls_name(SmtpTls tls) {
  switch (tls) {
    case SmtpTls::kStartTls: return "starttls";
    case SmtpTls::kImplicit: return "tls";
    case SmtpTls::kNone: return "plain";
  }
  return "?";
}

// --- Secrets ---

// The password as it may show up in text: itself, and the base64 forms AUTH PLAIN and
// AUTH LOGIN send it in. A server echoing any of them must not have the echo quoted.
// Shorter than three characters, a piece matches too much to mean anything.
std::vector<std::string> sensitive_pieces(const SmtpOptions& options) {
  if (options.password.empty()) return {};
  const std::string& user = options.username;
  const std::string& password = options.password;
  std::vector<std::string> pieces = {
      password,
      base64(password),
      base64(std::string(1, '\0') + user + std::string(1, '\0') + password),
      base64(user + std::string(1, '\0') + user + std::string(1, '\0') + password),
  };
  std::erase_if(pieces, [](const std::string& piece) { return piece.size() < 3; });
  return pieces;
}

bool leaks(std::string_view text, const std::vector<std::string>& sensitive) {
  return std::any_of(sensitive.begin(), sensitive.end(), [text](const std::string& piece) {
    return text.find(piece) != std::string_view::npos;
  });
}

// Text from the server or libcurl, fit for a reason: one printable line, cut short, and
// "" when it holds anything of the password.
std::string quotable(std::string_view text, const std::vector<std::string>& sensitive) {
  if (leaks(text, sensitive)) return "";
  std::string line = printable(text);
  while (!line.empty() && (line.back() == ' ' || line.back() == '.')) line.pop_back();
  if (line.size() > kMaxQuoted) line = line.substr(0, kMaxQuoted) + "…";
  return line;
}

// --- One exchange ---

// The sockets of the transfer in flight, which cancel() shuts down from another thread.
//
// Why not just stop driving the transfer and remove it: libcurl then ends it as if it had
// succeeded, and its SMTP code sends the end-of-data mark, so a message cut short in DATA
// would be accepted. A shut-down socket fails the transfer instead, at whatever step it
// is, with no waiting: the server sees the connection drop and keeps nothing.
struct LiveSockets {
  std::mutex mutex;
  std::vector<curl_socket_t> open;  // more than one while connecting to several addresses
  bool opened = false;              // since the transfer began
  bool cancelled = false;           // no socket may be opened any more
};

// What libcurl's callbacks share with the code that started the transfer.
struct Exchange {
  std::string_view upload;  // the message, for DATA
  size_t sent = 0;
  std::vector<std::string> replies;  // the server's reply lines, the latest last
  bool loopback_only = false;
  bool refused_address = false;
  const std::atomic<bool>* cancelled = nullptr;
  LiveSockets* live = nullptr;  // none when nothing can cancel
};

size_t on_read(char* buffer, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const size_t bytes = std::min(size * count, exchange->upload.size() - exchange->sent);
  std::memcpy(buffer, exchange->upload.data() + exchange->sent, bytes);
  exchange->sent += bytes;
  return bytes;
}

// libcurl hands every SMTP reply line to the header callback.
size_t on_reply(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const size_t bytes = size * count;
  std::string_view line(data, bytes);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  exchange->replies.emplace_back(line.substr(0, 4 * kMaxQuoted));
  if (exchange->replies.size() > kMaxReplyLines) {
    exchange->replies.erase(exchange->replies.begin());
  }
  return bytes;
}

// Also called while libcurl waits inside a blocking step (the reply to QUIT).
int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<Exchange*>(user)->cancelled->load() ? 1 : 0;
}

// The loopback rule of plain SMTP is checked again on the resolved address: "localhost"
// is trusted by name only as far as it resolves to loopback.
curl_socket_t on_open_socket(void* user, curlsocktype, curl_sockaddr* address) {
  auto* exchange = static_cast<Exchange*>(user);
  if (exchange->loopback_only && !is_loopback_address(&address->addr)) {
    exchange->refused_address = true;
    return CURL_SOCKET_BAD;
  }
  if (exchange->live == nullptr) {
    return ::socket(address->family, address->socktype, address->protocol);
  }
  // Under the lock, so that cancel() either sees this socket or is seen here.
  std::lock_guard lock(exchange->live->mutex);
  if (exchange->live->cancelled) return CURL_SOCKET_BAD;
  const curl_socket_t fd = ::socket(address->family, address->socktype, address->protocol);
  if (fd != CURL_SOCKET_BAD) {
    exchange->live->open.push_back(fd);
    exchange->live->opened = true;
  }
  return fd;
}

// Closed under the lock: cancel() must never shut down a descriptor number that has
// been closed and given to someone else.
int on_close_socket(void* user, curl_socket_t fd) {
  auto* exchange = static_cast<Exchange*>(user);
  if (exchange->live == nullptr) return ::close(fd);
  std::lock_guard lock(exchange->live->mutex);
  std::erase(exchange->live->open, fd);
  return ::close(fd);
}

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using SlistHandle = std::unique_ptr<curl_slist, SlistDeleter>;

// Everything but the message: the URL, TLS, the login, limits and callbacks.
void configure(CURL* easy, const SmtpOptions& options, Exchange& exchange, char* error_text) {
  const char* scheme = options.tls == SmtpTls::kImplicit ? "smtps" : "smtp";
  const std::string url = fmt::format("{}://{}:{}", scheme, smtp_url_host(options.host), options.port);
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());  // libcurl copies strings it is given
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  // A proxy from the environment (ALL_PROXY) is meant for web traffic: mail goes direct.
  curl_easy_setopt(easy, CURLOPT_PROXY, "");
  curl_easy_setopt(easy, CURLOPT_USE_SSL,
                   options.tls == SmtpTls::kNone ? static_cast<long>(CURLUSESSL_NONE)
                                                 : static_cast<long>(CURLUSESSL_ALL));
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, options.ca_file.c_str());
  if (!options.username.empty()) {
    curl_easy_setopt(easy, CURLOPT_USERNAME, options.username.c_str());
    curl_easy_setopt(easy, CURLOPT_PASSWORD, options.password.c_str());
  }
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min(options.timeout, kMaxConnectTimeout).count()));
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
  curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &on_reply);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &exchange);
  curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, &on_progress);
  curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &exchange);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_text);
  exchange.loopback_only = options.tls == SmtpTls::kNone;
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &on_open_socket);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, &exchange);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &on_close_socket);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, &exchange);
}

struct RunResult {
  CURLcode code = CURLE_OK;
  bool interrupted = false;  // stopped by cancel() before any connection was opened
};

// Runs `easy` to its end through `multi`. A cancelled transfer with a connection fails on
// its own once cancel() has shut the connection down (see LiveSockets); one without a
// connection yet (resolving the host) has nothing to lose and is dropped when cancel()
// wakes the wait.
RunResult run(CURLM* multi, CURL* easy, const Exchange& exchange) {
  RunResult result;
  if (curl_multi_add_handle(multi, easy) != CURLM_OK) {
    result.code = CURLE_FAILED_INIT;
    return result;
  }
  auto connectionless = [&exchange] {
    if (exchange.live == nullptr) return false;
    std::lock_guard lock(exchange.live->mutex);
    return !exchange.live->opened;
  };
  bool done = false;
  while (!done) {
    if (exchange.cancelled->load() && connectionless()) {
      result.interrupted = true;
      break;
    }
    int running = 0;
    if (curl_multi_perform(multi, &running) != CURLM_OK) {
      result.code = CURLE_FAILED_INIT;
      break;
    }
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
      if (message->msg == CURLMSG_DONE && message->easy_handle == easy) {
        result.code = message->data.result;
        done = true;
      }
    }
    if (done || running == 0) break;
    // libcurl shortens the wait to its own next timeout.
    curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  }
  curl_multi_remove_handle(multi, easy);  // closes the connection if unfinished
  if (!done && !result.interrupted && result.code == CURLE_OK) result.code = CURLE_GOT_NOTHING;
  return result;
}

// The last reply line carrying `code` ("550 5.1.1 No such user"): the server's own
// words for the reply libcurl stopped at. Later lines (QUIT's 221) are skipped.
std::string reply_line(const std::vector<std::string>& replies, long code) {
  const std::string prefix = std::to_string(code);
  for (auto it = replies.rbegin(); it != replies.rend(); ++it) {
    if (it->size() >= 4 && it->starts_with(prefix) && ((*it)[3] == ' ' || (*it)[3] == '-')) {
      return *it;
    }
  }
  return "";
}

bool is_tls_failure(CURLcode code) {
  switch (code) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CLIENTCERT:
      return true;
    default:
      return false;
  }
}

struct Failure {
  bool may_pass = false;  // retry, else fatal
  std::string what;       // the reason, after "smtp host:port: "
};

// How a transfer that did not succeed failed, and whether another attempt may succeed
// without anyone changing anything.
Failure classify_smtp_code(const RunResult& run, const Exchange& exchange, long reply_code,
                 const char* error_text, const std::vector<std::string>& sensitive) {
  const CURLcode code = run.code;
  std::string detail = quotable(error_text, sensitive);
  if (detail.empty()) detail = curl_easy_strerror(code);
  const std::string said = quotable(reply_line(exchange.replies, reply_code), sensitive);
  // "550 5.1.1 No such user (RCPT failed: 550)", or the code alone when the line is gone.
  const std::string answer =
      fmt::format("{} ({})", said.empty() ? std::to_string(reply_code) : said, detail);
  const bool temporary = reply_code >= 400 && reply_code <= 499;
  const bool permanent = reply_code >= 500 && reply_code <= 599;

  // Whatever the transfer failed with once cancelled, the cause was the cancel.
  if (run.interrupted || exchange.cancelled->load()) return {true, "cancelled"};
  if (exchange.refused_address) {
    return {false, "refused: plain SMTP is allowed only to a loopback address"};
  }
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return {true, fmt::format("cannot connect ({})", detail)};
    case CURLE_OPERATION_TIMEDOUT:
      // Silence from the first byte is also what a TLS mode mismatch looks like: a
      // STARTTLS client waits for a greeting an implicit-TLS server never sends in clear.
      if (exchange.replies.empty()) {
        return {true, fmt::format("timed out waiting for the server's greeting ({})", detail)};
      }
      return {true, fmt::format("timed out ({})", detail)};
    default:
      break;
  }
  // A certificate or a TLS setup does not fix itself between attempts.
  if (code == CURLE_SSL_CONNECT_ERROR && tls_handshake_was_cut(detail)) {
    return {true, fmt::format("connection broke during the TLS handshake ({})", detail)};
  }
  if (is_tls_failure(code)) return {false, fmt::format("TLS failed ({})", detail)};
  if (code == CURLE_USE_SSL_FAILED) {
    if (temporary || permanent) {
      return {temporary, fmt::format("the server refused STARTTLS: {}", answer)};
    }
    return {false, "the server does not offer STARTTLS, and TLS is required"};
  }
  if (code == CURLE_LOGIN_DENIED || code == CURLE_AUTH_ERROR) {
    // 454 is the server's own "not now" (RFC 4954); anything else is the credentials.
    if (temporary) return {true, fmt::format("the server refused the login for now: {}", answer)};
    return {false, fmt::format("the server refused the login: {}",
                               permanent ? answer : detail)};
  }
  if (temporary) return {true, fmt::format("the server answered {}", answer)};
  if (permanent) return {false, fmt::format("the server answered {}", answer)};
  switch (code) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_NOT_BUILT_IN:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_UNKNOWN_OPTION:
      return {false, fmt::format("cannot send ({})", detail)};
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
      return {true, fmt::format("connection broke ({})", detail)};
    default:
      // A garbled reply, out of memory: the exchange started and went wrong.
      return {true, fmt::format("failed ({})", detail)};
  }
}

// What SMTP's DATA may carry without 8BITMIME or BDAT: 7-bit text in CRLF lines.
bool is_seven_bit_crlf(std::string_view mime) {
  for (size_t i = 0; i < mime.size(); ++i) {
    const auto c = static_cast<unsigned char>(mime[i]);
    if (c == 0 || c >= 0x80) return false;
    if (c == '\r' && (i + 1 == mime.size() || mime[i + 1] != '\n')) return false;
    if (c == '\n' && (i == 0 || mime[i - 1] != '\r')) return false;
  }
  return true;
}

}  // namespace

Status check_smtp_options(const SmtpOptions& options) {
  if (options.host.empty()) return invalid("the SMTP host is empty");
  if (!is_ipv6_literal(options.host) && !is_host_name(options.host)) {
    return invalid(fmt::format("the SMTP host '{}' is not a host name or an IP address",
                               printable(options.host)));
  }
  if (options.port < 1 || options.port > 65535) {
    return invalid(fmt::format("the SMTP port must be within 1..65535, not {}", options.port));
  }
  if (options.timeout <= milliseconds(0)) {
    return invalid(fmt::format("the SMTP timeout must be positive, not {} ms",
                               options.timeout.count()));
  }
  if (options.username.empty() && !options.password.empty()) {
    return invalid("an SMTP password is set without a user name");
  }
  if (options.tls == SmtpTls::kNone && !is_loopback_host(options.host)) {
    return invalid(fmt::format(
        "plain SMTP (no TLS) is allowed only to a loopback address, not {}: the alert and "
        "the password would cross the network in the clear; use STARTTLS or TLS",
        printable(smtp_url_host(options.host))));
  }
  return {};
}

struct SmtpSink::Handles {
  Handles() : multi(curl_multi_init()) {}
  ~Handles() {
    if (multi != nullptr) curl_multi_cleanup(multi);
  }
  Handles(const Handles&) = delete;
  Handles& operator=(const Handles&) = delete;

  // Lives as long as the sink, so cancel() may wake it from any thread at any time.
  CURLM* multi;
  LiveSockets live;
};

SmtpSink::SmtpSink(SmtpOptions options, EmailComposer compose)
    : options_(std::move(options)),
      compose_(std::move(compose)),
      options_status_(check_smtp_options(options_)),
      target_(target_of(options_)) {
  ensure_curl_initialised();
  handles_ = std::make_unique<Handles>();
}

SmtpSink::~SmtpSink() = default;

std::string SmtpSink::describe() const {
  return fmt::format("{} ({})", target_, tls_name(options_.tls));
}

void SmtpSink::cancel() {
  cancelled_.store(true);
  {
    std::lock_guard lock(handles_->live.mutex);
    handles_->live.cancelled = true;
    for (curl_socket_t fd : handles_->live.open) ::shutdown(fd, SHUT_RDWR);
  }
  if (handles_->multi != nullptr) curl_multi_wakeup(handles_->multi);
}

DeliveryOutcome SmtpSink::deliver(const Alert& alert) {
  auto fatal = [this](std::string_view what) {
    return DeliveryOutcome::fatal(fmt::format("{}: {}", target_, what));
  };
  if (!options_status_) return fatal(options_status_.error().message);
  if (cancelled_.load()) return DeliveryOutcome::retry(target_ + ": cancelled");

  auto email = compose_(alert);
  if (!email) return fatal(email.error().message);
  // Addresses go into SMTP commands as they are: a line break would start a command.
  if (auto checked = check_email_address(email->from); !checked) {
    return fatal("the envelope sender: " + checked.error().message);
  }
  if (email->recipients.empty()) return fatal("the alert has no recipient");
  for (const std::string& recipient : email->recipients) {
    if (auto checked = check_email_address(recipient); !checked) {
      return fatal("a recipient: " + checked.error().message);
    }
  }
  if (!is_seven_bit_crlf(email->mime)) {
    return fatal("the message is not 7-bit ASCII with CRLF line endings");
  }

  // Declared before the handle, which points at them until it is cleaned up.
  SlistHandle recipients;
  for (const std::string& recipient : email->recipients) {
    curl_slist* next = curl_slist_append(recipients.get(), ("<" + recipient + ">").c_str());
    if (next == nullptr) return DeliveryOutcome::retry(target_ + ": out of memory");
    recipients.release();  // `next` is the same list
    recipients.reset(next);
  }
  const std::string from = "<" + email->from + ">";
  Exchange exchange;
  exchange.upload = email->mime;
  exchange.cancelled = &cancelled_;
  exchange.live = &handles_->live;
  {
    std::lock_guard lock(handles_->live.mutex);
    handles_->live.opened = false;
  }
  char error_text[CURL_ERROR_SIZE] = {};

  EasyHandle easy(curl_easy_init());
  if (easy == nullptr || handles_->multi == nullptr) {
    return DeliveryOutcome::retry(target_ + ": cannot initialise libcurl");
  }
  configure(easy.get(), options_, exchange, error_text);
  curl_easy_setopt(easy.get(), CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(easy.get(), CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(easy.get(), CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(easy.get(), CURLOPT_READFUNCTION, &on_read);
  curl_easy_setopt(easy.get(), CURLOPT_READDATA, &exchange);
  curl_easy_setopt(easy.get(), CURLOPT_INFILESIZE_LARGE,
                   static_cast<curl_off_t>(email->mime.size()));

  const RunResult result = run(handles_->multi, easy.get(), exchange);
  // Accepted, even if cancel() came just after: the server has the message.
  if (result.code == CURLE_OK && !result.interrupted) return DeliveryOutcome::ok();
  long reply_code = 0;
  curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &reply_code);
  const Failure failure =
      classify_smtp_code(result, exchange, reply_code, error_text, sensitive_pieces(options_));
  std::string reason = fmt::format("{}: {}", target_, failure.what);
  return failure.may_pass ? DeliveryOutcome::retry(std::move(reason))
                          : DeliveryOutcome::fatal(std::move(reason));
}

Status check_smtp_server(const SmtpOptions& options) {
  const std::string target = target_of(options);
  if (auto checked = check_smtp_options(options); !checked) {
    return tl::unexpected(checked.error().within(target));
  }
  ensure_curl_initialised();
  const std::atomic<bool> never{false};
  Exchange exchange;
  exchange.cancelled = &never;
  char error_text[CURL_ERROR_SIZE] = {};
  EasyHandle easy(curl_easy_init());
  CURLM* multi = curl_multi_init();
  if (easy == nullptr || multi == nullptr) {
    if (multi != nullptr) curl_multi_cleanup(multi);
    return fail(ErrorCode::kIo, target + ": cannot initialise libcurl");
  }
  configure(easy.get(), options, exchange, error_text);
  // Stop once connected: greeting, EHLO, STARTTLS or TLS, and AUTH are all part of
  // connecting for libcurl; MAIL FROM would be the first step of sending.
  curl_easy_setopt(easy.get(), CURLOPT_CONNECT_ONLY, 1L);
  const RunResult result = run(multi, easy.get(), exchange);
  long reply_code = 0;
  curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &reply_code);
  easy.reset();  // says QUIT
  curl_multi_cleanup(multi);

  if (result.code != CURLE_OK) {
    const Failure failure =
        classify_smtp_code(result, exchange, reply_code, error_text, sensitive_pieces(options));
    return fail(ErrorCode::kIo, fmt::format("{}: {}", target, failure.what));
  }
  // libcurl skips AUTH when the server offers none, and mail would then go out
  // unauthenticated; a successful AUTH is answered 235 (RFC 4954).
  if (!options.username.empty() && reply_line(exchange.replies, 235).empty()) {
    return fail(ErrorCode::kIo,
                fmt::format("{}: the server offers no AUTH, so the configured user name and "
                            "password would not be used",
                            target));
  }
  return {};
}

}  // namespace sgwatch
