#include "aws/curl_transport.h"

#include <sys/socket.h>

#include <cctype>
#include <algorithm>
#include <cstring>
#include <limits>
#include <string_view>
#include <mutex>
#include <utility>

#include <curl/curl.h>

#include "aws/loopback.h"

namespace sgwatch {
namespace {

std::once_flag global_init_once;

// libcurl's global state must be set up once per process, before any thread uses it.
void ensure_curl_initialised() {
  std::call_once(global_init_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

tl::unexpected<TransportError> failure(TransportFailure kind, std::string message) {
  return tl::unexpected<TransportError>(TransportError{kind, std::move(message)});
}

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using HeaderList = std::unique_ptr<curl_slist, SlistDeleter>;

std::string url_part(CURLU* url, CURLUPart part, unsigned int flags = 0) {
  char* text = nullptr;
  if (curl_url_get(url, part, &text, flags) != CURLUE_OK || text == nullptr) return "";
  std::string copy(text);
  curl_free(text);
  return copy;
}

bool is_token(const std::string& text) {
  if (text.empty()) return false;
  for (unsigned char c : text) {
    if (!std::isalnum(c) && std::strchr("!#$%&'*+-.^_`|~", c) == nullptr) return false;
  }
  return true;
}

// CR, LF or NUL would let a value end the header line early and start another.
bool has_line_break(const std::string& text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos;
}

std::string trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

// The request's headers as libcurl takes them, plus the two libcurl defaults we undo.
TransportResult<HeaderList> header_list(const HttpRequest& request, bool has_body,
                                        const std::string& origin) {
  HeaderList headers;
  auto add = [&headers](const std::string& line) {
    curl_slist* next = curl_slist_append(headers.get(), line.c_str());
    if (next == nullptr) return false;
    headers.release();  // `next` is the same list, or its first node
    headers.reset(next);
    return true;
  };
  bool ok = true;
  for (const auto& [name, value] : request.headers) {
    if (!is_token(name) || has_line_break(value)) {
      // Named only when the name is a clean token; the value may be a secret.
      return failure(TransportFailure::kRefused,
                     origin + ": a request header is malformed" +
                         (is_token(name) ? " (" + name + ")" : ""));
    }
    // libcurl reads "Name:" as "remove this header"; "Name;" sends it empty.
    ok = ok && add(value.empty() ? name + ";" : name + ": " + value);
  }
  // libcurl would wait up to a second for "100 Continue" before sending a large body.
  if (request.header("Expect").empty()) ok = ok && add("Expect:");
  // libcurl would add a form Content-Type to any body; send only what the caller set,
  // since a signature may cover the headers.
  if (has_body && request.header("Content-Type").empty()) ok = ok && add("Content-Type:");
  if (!ok) return failure(TransportFailure::kBroken, origin + ": out of memory");
  return headers;
}

// What the callbacks of one send() share with it.
struct Transfer {
  HttpResponse response;
  std::size_t max_bytes = 0;
  bool too_large = false;
  bool loopback_only = false;
  bool refused_address = false;
  const std::atomic<bool>* cancelled = nullptr;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  size_t bytes = size * count;
  if (transfer->response.body.size() + bytes > transfer->max_bytes) {
    transfer->too_large = true;
    return 0;  // anything but `bytes` makes libcurl stop with CURLE_WRITE_ERROR
  }
  transfer->response.body.append(data, bytes);
  return bytes;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  size_t bytes = size * count;
  std::string_view line(data, bytes);
  HttpHeaders& headers = transfer->response.headers;
  if (line.starts_with("HTTP/")) {
    // A new status line: an interim 1xx or a proxy's answer came before; keep only the last.
    headers.clear();
  } else if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
    if (!headers.empty()) {  // obsolete folding
      headers.back().second += ' ';
      headers.back().second += trim(line);
    }
  } else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
    headers.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
  }
  return bytes;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<Transfer*>(user)->cancelled->load() ? 1 : 0;
}

// The loopback policy checked again on the resolved address, so a name cannot smuggle a
// request out (libcurl answers "localhost" itself, but proxies and future names exist).
curl_socket_t on_open_socket(void* user, curlsocktype, curl_sockaddr* address) {
  auto* transfer = static_cast<Transfer*>(user);
  if (transfer->loopback_only && !is_loopback_address(&address->addr)) {
    transfer->refused_address = true;
    return CURL_SOCKET_BAD;
  }
  return ::socket(address->family, address->socktype, address->protocol);
}

TransportFailure classify_curl_code(CURLcode code, const Transfer& transfer) {
  if (transfer.too_large) return TransportFailure::kTooLarge;
  if (transfer.refused_address) return TransportFailure::kRefused;
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return TransportFailure::kConnect;
    case CURLE_OPERATION_TIMEDOUT:
      return TransportFailure::kTimeout;
    case CURLE_ABORTED_BY_CALLBACK:
      return TransportFailure::kCancelled;
    case CURLE_FILESIZE_EXCEEDED:
      return TransportFailure::kTooLarge;
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
    case CURLE_USE_SSL_FAILED:
      return TransportFailure::kTls;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return TransportFailure::kRefused;
    default:
      // PARTIAL_FILE, RECV_ERROR, GOT_NOTHING, SEND_ERROR, HTTP2 stream errors, a
      // garbled reply: the exchange started and broke.
      return TransportFailure::kBroken;
  }
}

}  // namespace

bool tls_handshake_was_cut(std::string_view curl_error_text) {
  for (const char* sign : {"reset by peer", "Recv failure", "Send failure", "unexpected eof",
                           "SSL_ERROR_SYSCALL", "Connection reset"}) {
    if (curl_error_text.find(sign) != std::string_view::npos) return true;
  }
  return false;
}

struct CurlTransport::Share {
  Share() : handle(curl_share_init()) {
    if (handle == nullptr) return;
    curl_share_setopt(handle, CURLSHOPT_LOCKFUNC, &Share::lock);
    curl_share_setopt(handle, CURLSHOPT_UNLOCKFUNC, &Share::unlock);
    curl_share_setopt(handle, CURLSHOPT_USERDATA, this);
    // Connections stay per slot: libcurl does not support sharing its connection cache
    // between threads that transfer at the same time.
    curl_share_setopt(handle, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(handle, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
  ~Share() {
    if (handle != nullptr) curl_share_cleanup(handle);
  }

  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<Share*>(user)->mutexes[data % kLocks].lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<Share*>(user)->mutexes[data % kLocks].unlock();
  }

  static constexpr int kLocks = CURL_LOCK_DATA_LAST;
  CURLSH* handle;
  std::mutex mutexes[kLocks];
};

// The multi handle owns the connection cache; driving the easy handle through it also
// lets cancel_all() interrupt a wait with curl_multi_wakeup().
struct CurlTransport::Slot {
  Slot() : multi(curl_multi_init()), easy(curl_easy_init()) {}
  ~Slot() {
    if (multi != nullptr) curl_multi_cleanup(multi);
    if (easy != nullptr) curl_easy_cleanup(easy);
  }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

  CURLM* multi;
  CURL* easy;
};

CurlTransport::CurlTransport(CurlTransportOptions options) : options_(std::move(options)) {
  ensure_curl_initialised();
  share_ = std::make_unique<Share>();
}

CurlTransport::~CurlTransport() {
  idle_.clear();  // the slots' handles refer to the share; close them first
  share_.reset();
}

void CurlTransport::cancel_all() {
  cancelled_.store(true);
  std::lock_guard lock(mutex_);
  for (Slot* slot : active_) curl_multi_wakeup(slot->multi);
}

void CurlTransport::reset_cancel() { cancelled_.store(false); }

std::unique_ptr<CurlTransport::Slot> CurlTransport::take_slot() {
  std::unique_ptr<Slot> slot;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      // Most recently used first: its connection is the likeliest to still be open.
      slot = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (slot == nullptr) {
    slot = std::make_unique<Slot>();
    if (slot->multi == nullptr || slot->easy == nullptr) return nullptr;
  }
  std::lock_guard lock(mutex_);
  active_.insert(slot.get());
  return slot;
}

void CurlTransport::return_slot(std::unique_ptr<Slot> slot) {
  std::unique_ptr<Slot> surplus;
  {
    std::lock_guard lock(mutex_);
    active_.erase(slot.get());
    if (idle_.size() < options_.max_idle_connections) {
      idle_.push_back(std::move(slot));
    } else {
      surplus = std::move(slot);  // closed outside the lock
    }
  }
}

TransportResult<HttpResponse> CurlTransport::send(const HttpRequest& request) {
  UrlHandle url(curl_url());
  if (url == nullptr) return failure(TransportFailure::kBroken, "cannot allocate a URL");
  // The message never quotes the URL: its query may carry a signature.
  if (curl_url_set(url.get(), CURLUPART_URL, request.url.c_str(), 0) != CURLUE_OK) {
    return failure(TransportFailure::kRefused, "the request URL is malformed");
  }
  const std::string scheme = url_part(url.get(), CURLUPART_SCHEME);
  const std::string host = url_part(url.get(), CURLUPART_HOST);
  const std::string origin =
      scheme + "://" + host + ":" + url_part(url.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  if (scheme != "http" && scheme != "https") {
    return failure(TransportFailure::kRefused, origin + ": only http and https are allowed");
  }
  if (options_.allow_only_loopback && !is_loopback_host(host)) {
    return failure(TransportFailure::kRefused,
                   origin + ": refused by policy, only loopback addresses are allowed");
  }
  if (!is_token(request.method)) {
    return failure(TransportFailure::kRefused, origin + ": the request method is malformed");
  }

  // Methods that carry a body send one even when empty, with Content-Length: 0: a PUT
  // without it (IMDSv2's token request) leaves the server waiting for a body.
  const bool has_body = !request.body.empty() || request.method == "POST" ||
                        request.method == "PUT" || request.method == "PATCH";
  auto headers = header_list(request, has_body, origin);
  if (!headers) return tl::unexpected(headers.error());

  if (cancelled_.load()) return failure(TransportFailure::kCancelled, origin + ": cancelled");
  std::unique_ptr<Slot> slot = take_slot();
  if (slot == nullptr) {
    return failure(TransportFailure::kBroken, origin + ": cannot initialise libcurl");
  }
  CURL* easy = slot->easy;

  Transfer transfer;
  transfer.max_bytes = options_.max_response_bytes;
  transfer.loopback_only = options_.allow_only_loopback;
  transfer.cancelled = &cancelled_;
  char error_text[CURL_ERROR_SIZE] = {};

  curl_easy_reset(easy);
  curl_easy_setopt(easy, CURLOPT_CURLU, url.get());  // exactly the URL checked above
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, options_.ca_file.c_str());
  // gzip only: it is what AWS endpoints offer, and brotli costs a loopback peer (the
  // emulator) far more CPU than it saves.
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "gzip");
  curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(std::min<std::size_t>(
                       options_.max_response_bytes, std::numeric_limits<curl_off_t>::max())));
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, &on_progress);
  curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &transfer);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers->get());
  if (share_->handle != nullptr) curl_easy_setopt(easy, CURLOPT_SHARE, share_->handle);
  if (options_.allow_only_loopback) {
    curl_easy_setopt(easy, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &on_open_socket);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, &transfer);
  }
  if (request.method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (has_body) {
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
    if (request.method != "POST") {
      curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
  } else {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    if (request.method != "GET") {
      curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
  }

  CURLcode code = CURLE_OK;
  bool done = false;
  bool interrupted = false;
  if (curl_multi_add_handle(slot->multi, easy) != CURLM_OK) {
    code = CURLE_FAILED_INIT;
    done = true;
  } else {
    while (!done) {
      // Checked before every wait: cancel_all() sets the flag, then wakes the wait.
      if (cancelled_.load()) {
        interrupted = true;
        break;
      }
      int running = 0;
      if (curl_multi_perform(slot->multi, &running) != CURLM_OK) {
        code = CURLE_FAILED_INIT;
        break;
      }
      int queued = 0;
      while (CURLMsg* message = curl_multi_info_read(slot->multi, &queued)) {
        if (message->msg == CURLMSG_DONE && message->easy_handle == easy) {
          code = message->data.result;
          done = true;
        }
      }
      if (done || running == 0) break;
      // libcurl shortens the wait to its own next timeout.
      curl_multi_poll(slot->multi, nullptr, 0, 1000, nullptr);
    }
    curl_multi_remove_handle(slot->multi, easy);  // closes the connection if unfinished
  }
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_reset(easy);  // drop pointers to this call's buffers before the slot is idle
  return_slot(std::move(slot));

  if (interrupted) return failure(TransportFailure::kCancelled, origin + ": cancelled");
  if (!done && code == CURLE_OK) code = CURLE_GOT_NOTHING;
  if (code != CURLE_OK) {
    TransportFailure kind = classify_curl_code(code, transfer);
    if (code == CURLE_SSL_CONNECT_ERROR && tls_handshake_was_cut(error_text)) {
      kind = TransportFailure::kBroken;
    }
    if (kind == TransportFailure::kTooLarge) {
      return failure(kind, origin + ": response too large (over " +
                               std::to_string(options_.max_response_bytes) + " bytes)");
    }
    if (kind == TransportFailure::kCancelled || kind == TransportFailure::kRefused) {
      return failure(kind, origin + ": " + to_string(kind));
    }
    // libcurl's own text is the most precise, but is quoted only when it cannot hold the
    // path or query.
    std::string detail = error_text;
    const std::string path = url_part(url.get(), CURLUPART_PATH);
    if (detail.empty() || detail.find('?') != std::string::npos ||
        (path.size() > 1 && detail.find(path) != std::string::npos)) {
      detail = curl_easy_strerror(code);
    }
    return failure(kind, origin + ": " + to_string(kind) + " (" + detail + ")");
  }
  transfer.response.status = static_cast<int>(status);
  return std::move(transfer.response);
}

}  // namespace sgwatch
