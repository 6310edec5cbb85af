// A webhook receiver for tests: an HTTP server on 127.0.0.1 (an ephemeral port) that
// records every request it gets and answers as the test says, changeable at any time.
//
//   testing::WebhookReceiver receiver;            // listening once constructed
//   sink.deliver(alert) ...                       // POST to receiver.url()
//   receiver.answer_status(500);                  // from now on: 500
//   receiver.answer_retry_after("7");             // 429 with Retry-After: 7
//   receiver.hang();                              // hold requests unanswered
//   receiver.answer_ok();                         // back to 200; held requests get it too
//   ASSERT_TRUE(receiver.wait_for_count(2, std::chrono::seconds(5)));
//   receiver.bodies();                            // what arrived, in order
//
// A request is recorded when it arrives, before it is answered (or held). Every method is
// thread-safe. The destructor stops the server; held requests are let go at once, so it
// never waits on a client's timeout. Each connection serves one request and closes, so no
// idle keep-alive connection delays stopping either.
#pragma once

#include <strings.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <httplib.h>

namespace sgwatch::testing {

struct ReceivedRequest {
  std::string method;
  std::string path;    // without the query: "/hook"
  std::string target;  // as sent: "/hook?token=abc"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::steady_clock::time_point received_at;

  // The first header called `name` (case-insensitive), or "".
  std::string header(const std::string& name) const {
    for (const auto& [key, value] : headers) {
      if (strcasecmp(key.c_str(), name.c_str()) == 0) return value;
    }
    return "";
  }
};

class WebhookReceiver {
 public:
  WebhookReceiver() : server_(std::make_unique<httplib::Server>()) {
    server_->set_tcp_nodelay(true);  // else small replies wait out a delayed ACK (40 ms)
    server_->set_keep_alive_max_count(1);
    // Room for several held requests at once, plus those answered beside them.
    server_->new_task_queue = [] { return new httplib::ThreadPool(16); };
    auto handler = [this](const httplib::Request& request, httplib::Response& response) {
      handle(request, response);
    };
    const std::string any_path = ".*";
    server_->Get(any_path, handler);
    server_->Post(any_path, handler);
    server_->Put(any_path, handler);
    server_->Patch(any_path, handler);
    server_->Delete(any_path, handler);
    port_ = server_->bind_to_any_port("127.0.0.1");
    if (port_ <= 0) std::abort();
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    // stop() before listening has begun would not end listen_after_bind().
    while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  ~WebhookReceiver() { stop(); }
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:<port><path>". Any path and query are accepted and recorded.
  std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  // --- How to answer, from the next request on (and for requests being held). ---

  // 200 with body "ok". The default.
  void answer_ok() { set_behaviour({Mode::kAnswer, 200, "", ""}); }
  // `status` with a short text body; a 3xx also carries a Location on this server.
  void answer_status(int status, std::string body = "") {
    set_behaviour({Mode::kAnswer, status, "", std::move(body)});
  }
  // `status` (429 unless given) with "Retry-After: <value>", sent as given (seconds, an
  // HTTP-date, or garbage).
  void answer_retry_after(std::string value, int status = 429) {
    set_behaviour({Mode::kAnswer, status, std::move(value), ""});
  }
  // No answer: each request is held until the behaviour changes (then answered as the new
  // behaviour says) or the receiver stops (then it is answered 503). A client's
  // timeout does not release it, but costs the receiver nothing but a waiting thread.
  void hang() { set_behaviour({Mode::kHang, 0, "", ""}); }

  // --- What arrived. ---

  std::vector<ReceivedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::vector<std::string> bodies() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const ReceivedRequest& request : requests_) out.push_back(request.body);
    return out;
  }
  std::size_t count() const {
    std::lock_guard lock(mutex_);
    return requests_.size();
  }
  // Waits until at least `n` requests have arrived, or `timeout` passes; true if they did.
  bool wait_for_count(std::size_t n, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
  }

  // Releases held requests and stops the server. Idempotent; later requests are refused.
  void stop() {
    {
      std::lock_guard lock(mutex_);
      if (stopped_) return;
      stopped_ = true;
    }
    changed_.notify_all();
    server_->stop();
    if (thread_.joinable()) thread_.join();  // returns once every handler has
  }

 private:
  enum class Mode { kAnswer, kHang };
  struct Behaviour {
    Mode mode = Mode::kAnswer;
    int status = 200;
    std::string retry_after;  // "" = no Retry-After header
    std::string body;         // "" = "ok" for 200, "status N" otherwise
  };

  void set_behaviour(Behaviour behaviour) {
    {
      std::lock_guard lock(mutex_);
      behaviour_ = std::move(behaviour);
    }
    changed_.notify_all();
  }

  void handle(const httplib::Request& request, httplib::Response& response) {
    ReceivedRequest received;
    received.method = request.method;
    received.path = request.path;
    received.target = request.target;
    for (const auto& [name, value] : request.headers) received.headers.emplace_back(name, value);
    received.body = request.body;
    received.received_at = std::chrono::steady_clock::now();

    std::unique_lock lock(mutex_);
    requests_.push_back(std::move(received));
    changed_.notify_all();
    changed_.wait(lock, [this] { return stopped_ || behaviour_.mode != Mode::kHang; });
    if (stopped_ && behaviour_.mode == Mode::kHang) {
      response.status = 503;  // stopping: a client still waiting gets a retryable answer
      return;
    }
    const Behaviour behaviour = behaviour_;
    const std::string location = url("/moved");
    lock.unlock();

    response.status = behaviour.status;
    if (!behaviour.retry_after.empty()) response.set_header("Retry-After", behaviour.retry_after);
    if (behaviour.status >= 300 && behaviour.status <= 399) {
      response.set_header("Location", location);
    }
    std::string body = behaviour.body;
    if (body.empty()) body = behaviour.status == 200 ? "ok" : "status " + std::to_string(behaviour.status);
    response.set_content(body, "text/plain");
  }

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;

  mutable std::mutex mutex_;  // guards everything below
  mutable std::condition_variable changed_;  // a request arrived, the behaviour changed, or stop
  Behaviour behaviour_;
  std::vector<ReceivedRequest> requests_;
  bool stopped_ = false;
};

}  // namespace sgwatch::testing
