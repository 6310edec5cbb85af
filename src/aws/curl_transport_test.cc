#include "aws/curl_transport.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>

namespace sgwatch::curl_transport_test {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// A loopback httplib server on an ephemeral port. Handlers that must stall wait on
// release(), which TearDown calls, so no test sleeps longer than its own timeout.
class CurlTransportTest : public ::testing::Test {
 protected:
  void start() {
    server_.set_keep_alive_timeout(1);
    server_.set_tcp_nodelay(true);  // else small replies wait out a delayed ACK (40 ms)
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 5000 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(milliseconds(1));
    }
  }

  void TearDown() override {
    release();
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    released_cv_.notify_all();
  }

  // Blocks a handler until the test is over (or a generous bound passes).
  void stall() {
    std::unique_lock lock(mutex_);
    released_cv_.wait_for(lock, std::chrono::seconds(5), [this] { return released_; });
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }

  static CurlTransportOptions test_options() {
    CurlTransportOptions options;
    options.allow_only_loopback = true;
    options.connect_timeout = milliseconds(500);
    options.total_timeout = milliseconds(2000);
    return options;
  }

  static HttpRequest get(const std::string& url) {
    HttpRequest request;
    request.url = url;
    return request;
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::condition_variable released_cv_;
  bool released_ = false;
};

TEST_F(CurlTransportTest, GetRoundTripCarriesHeadersBothWays) {
  server_.Get("/echo", [](const httplib::Request& req, httplib::Response& res) {
    res.set_header("X-Reply", "yes");
    res.set_content("got " + req.get_header_value("X-Test") + " " +
                        req.get_param_value("Action"),
                    "text/plain");
  });
  start();
  CurlTransport transport(test_options());
  HttpRequest request = get(url("/echo?Action=DescribeSecurityGroups"));
  request.set_header("X-Test", "hello");

  auto response = transport.send(request);
  ASSERT_TRUE(response.has_value()) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "got hello DescribeSecurityGroups");
  EXPECT_EQ(response->header("x-reply"), "yes");
  EXPECT_EQ(response->header("X-REPLY"), "yes");
  EXPECT_EQ(response->header("content-type"), "text/plain");
}

TEST_F(CurlTransportTest, PostSendsBodyAndOnlyTheCallersHeaders) {
  server_.Post("/post", [](const httplib::Request& req, httplib::Response& res) {
    std::string seen = "type=" + req.get_header_value("Content-Type") +
                       " expect=" + req.get_header_value("Expect") +
                       " length=" + std::to_string(req.body.size()) +
                       " body=" + req.body.substr(0, 10);
    res.status = 201;
    res.set_content(seen, "text/plain");
  });
  start();
  CurlTransport transport(test_options());
  HttpRequest request = get(url("/post"));
  request.method = "POST";
  request.set_header("Content-Type", "application/x-amz-json-1.1");
  request.body = std::string(4096, 'b');  // large enough that libcurl would ask to continue

  auto response = transport.send(request);
  ASSERT_TRUE(response.has_value()) << response.error().message;
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body,
            "type=application/x-amz-json-1.1 expect= length=4096 body=bbbbbbbbbb");

  request.headers.clear();  // no Content-Type: libcurl must not invent a form type
  request.body = "Action=x";
  response = transport.send(request);
  ASSERT_TRUE(response.has_value()) << response.error().message;
  EXPECT_EQ(response->body, "type= expect= length=8 body=Action=x");
}

TEST_F(CurlTransportTest, ConsecutiveRequestsReuseTheConnection) {
  server_.Get("/port", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(std::to_string(req.remote_port), "text/plain");
  });
  start();
  CurlTransport transport(test_options());
  auto first = transport.send(get(url("/port")));
  auto second = transport.send(get(url("/port")));
  ASSERT_TRUE(first.has_value()) << first.error().message;
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_EQ(first->body, second->body);
}

TEST_F(CurlTransportTest, ConcurrentSendsAllSucceed) {
  server_.Get("/n", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(req.get_param_value("i"), "text/plain");
  });
  start();
  CurlTransport transport(test_options());
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        std::string id = std::to_string(t * 10 + i);
        auto response = transport.send(get(url("/n?i=" + id)));
        if (response && response->body == id) ++good;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(good.load(), 20);
}

TEST_F(CurlTransportTest, RedirectsAreReturnedNotFollowed) {
  server_.Get("/moved", [](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("/elsewhere");
  });
  start();
  CurlTransport transport(test_options());
  auto response = transport.send(get(url("/moved")));
  ASSERT_TRUE(response.has_value()) << response.error().message;
  EXPECT_EQ(response->status, 302);
  EXPECT_EQ(response->header("location"), "/elsewhere");
}

TEST_F(CurlTransportTest, ClosedPortIsAConnectFailureWithoutTheQuery) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  port_ = ntohs(address.sin_port);
  ::close(fd);  // bound, never listening, now closed: nothing answers

  CurlTransport transport(test_options());
  auto response = transport.send(get(url("/secret-path?X-Amz-Signature=deadbeef")));
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().failure, TransportFailure::kConnect);
  EXPECT_NE(response.error().message.find(origin()), std::string::npos)
      << response.error().message;
  EXPECT_EQ(response.error().message.find("deadbeef"), std::string::npos);
  EXPECT_EQ(response.error().message.find("secret-path"), std::string::npos);
}

TEST_F(CurlTransportTest, SlowServerTimesOut) {
  server_.Get("/slow", [this](const httplib::Request&, httplib::Response& res) {
    stall();
    res.set_content("late", "text/plain");
  });
  start();
  CurlTransportOptions options = test_options();
  options.total_timeout = milliseconds(200);
  CurlTransport transport(options);

  auto began = Clock::now();
  auto response = transport.send(get(url("/slow?token=hidden")));
  auto took = Clock::now() - began;
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().failure, TransportFailure::kTimeout);
  EXPECT_LT(took, milliseconds(800));
  EXPECT_EQ(response.error().message.find("hidden"), std::string::npos)
      << response.error().message;
}

TEST_F(CurlTransportTest, AnnouncedBodyOverTheCapIsTooLarge) {
  server_.Get("/big", [](const httplib::Request&, httplib::Response& res) {
    // Not a text type, so httplib does not compress it and Content-Length is the size.
    res.set_content(std::string(4096, 'x'), "application/octet-stream");
  });
  start();
  CurlTransportOptions options = test_options();
  options.max_response_bytes = 1024;
  CurlTransport transport(options);
  auto response = transport.send(get(url("/big")));
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().failure, TransportFailure::kTooLarge);
}

TEST_F(CurlTransportTest, StreamedBodyIsCutOffAtTheCap) {
  // Chunked, so no length is announced: only counting while receiving can stop it. The
  // server would send forever (well, 4 GiB) if the transport kept reading.
  server_.Get("/endless", [](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("application/octet-stream", [](size_t offset, httplib::DataSink& sink) {
      static const std::string chunk(64 * 1024, 'y');
      return offset < (size_t{4} << 30) && sink.write(chunk.data(), chunk.size());
    });
  });
  start();
  CurlTransportOptions options = test_options();
  options.max_response_bytes = 256 * 1024;
  CurlTransport transport(options);
  auto response = transport.send(get(url("/endless")));
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().failure, TransportFailure::kTooLarge);
  EXPECT_NE(response.error().message.find(origin()), std::string::npos);
}

TEST_F(CurlTransportTest, BodyShorterThanPromisedIsBroken) {
  server_.Get("/short", [](const httplib::Request&, httplib::Response& res) {
    res.set_content_provider(1000, "text/plain",
                             [](size_t, size_t, httplib::DataSink& sink) {
                               sink.write("abc", 3);
                               return false;  // give up: the connection closes early
                             });
  });
  start();
  CurlTransport transport(test_options());
  auto response = transport.send(get(url("/short")));
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().failure, TransportFailure::kBroken);
}

TEST_F(CurlTransportTest, TlsToAPlainServerIsATlsFailure) {
  server_.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("plain", "text/plain");
  });
  start();
  CurlTransport transport(test_options());
  auto response = transport.send(get("https://127.0.0.1:" + std::to_string(port_) + "/"));
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().failure, TransportFailure::kTls) << response.error().message;
}

TEST_F(CurlTransportTest, CancelAllInterruptsASlowRequestAndLaterOnes) {
  std::promise<void> arrived;
  server_.Get("/slow", [&](const httplib::Request&, httplib::Response& res) {
    arrived.set_value();
    stall();
    res.set_content("late", "text/plain");
  });
  server_.Get("/fast", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok", "text/plain");
  });
  start();
  CurlTransportOptions options = test_options();
  options.total_timeout = milliseconds(5000);
  CurlTransport transport(options);

  Clock::time_point cancelled_at;
  std::thread canceller([&] {
    arrived.get_future().wait();
    cancelled_at = Clock::now();
    transport.cancel_all();
  });
  auto response = transport.send(get(url("/slow")));
  auto returned_at = Clock::now();
  canceller.join();
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().failure, TransportFailure::kCancelled);
  EXPECT_LT(returned_at - cancelled_at, milliseconds(200));
  EXPECT_TRUE(transport.cancelled());

  auto later = transport.send(get(url("/fast")));
  ASSERT_FALSE(later.has_value());
  EXPECT_EQ(later.error().failure, TransportFailure::kCancelled);

  transport.reset_cancel();
  later = transport.send(get(url("/fast")));
  ASSERT_TRUE(later.has_value()) << later.error().message;
  EXPECT_EQ(later->body, "ok");
}

TEST_F(CurlTransportTest, LoopbackPolicyRefusesOtherHostsBeforeConnecting) {
  CurlTransport transport(test_options());
  for (const char* target : {"http://example.com/", "http://10.0.0.1/?Signature=abc",
                             "https://[2001:db8::1]:8443/", "http://127.0.0.1.example.com/",
                             "http://0.0.0.0/"}) {
    auto began = Clock::now();
    auto response = transport.send(get(target));
    ASSERT_FALSE(response.has_value()) << target;
    EXPECT_EQ(response.error().failure, TransportFailure::kRefused) << target;
    EXPECT_LT(Clock::now() - began, milliseconds(50)) << target;
    EXPECT_EQ(response.error().message.find("Signature"), std::string::npos);
  }
  auto ftp = transport.send(get("ftp://127.0.0.1/file"));
  ASSERT_FALSE(ftp.has_value());
  EXPECT_EQ(ftp.error().failure, TransportFailure::kRefused);
  auto malformed = transport.send(get("not a url"));
  ASSERT_FALSE(malformed.has_value());
  EXPECT_EQ(malformed.error().failure, TransportFailure::kRefused);
}

TEST_F(CurlTransportTest, LoopbackPolicyAcceptsLoopbackNames) {
  server_.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("here", "text/plain");
  });
  start();
  CurlTransport transport(test_options());
  const std::string port = std::to_string(port_);
  auto by_address = transport.send(get("http://127.0.0.1:" + port + "/"));
  ASSERT_TRUE(by_address.has_value()) << by_address.error().message;
  auto by_name = transport.send(get("http://LocalHost:" + port + "/"));
  ASSERT_TRUE(by_name.has_value()) << by_name.error().message;
  EXPECT_EQ(by_name->body, "here");
  // The server listens on IPv4 only, so ::1 may not answer; it must not be refused.
  auto by_v6 = transport.send(get("http://[::1]:" + port + "/"));
  if (!by_v6.has_value()) {
    EXPECT_NE(by_v6.error().failure, TransportFailure::kRefused) << by_v6.error().message;
  }
}

TEST_F(CurlTransportTest, HeaderWithALineBreakIsRefused) {
  CurlTransport transport(test_options());
  HttpRequest request = get("http://127.0.0.1:1/");
  request.set_header("X-Amz-Security-Token", "abc\r\nX-Injected: 1");
  auto response = transport.send(request);
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().failure, TransportFailure::kRefused);
  EXPECT_EQ(response.error().message.find("abc"), std::string::npos);
}

}  // namespace
}  // namespace sgwatch::curl_transport_test

namespace sgwatch::curl_transport_test {
namespace {

TEST(TlsHandshake, ACutConnectionIsToldFromAFailedHandshake) {
  EXPECT_TRUE(tls_handshake_was_cut("Recv failure: Connection reset by peer"));
  EXPECT_TRUE(tls_handshake_was_cut(
      "OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to 127.0.0.1:443"));
  EXPECT_TRUE(tls_handshake_was_cut("error:0A000126:SSL routines::unexpected eof while reading"));
  EXPECT_FALSE(tls_handshake_was_cut("error:0A00010B:SSL routines::wrong version number"));
  EXPECT_FALSE(tls_handshake_was_cut("error:0A000410:SSL routines::sslv3 alert handshake failure"));
  EXPECT_FALSE(tls_handshake_was_cut(""));
}

}  // namespace
}  // namespace sgwatch::curl_transport_test
