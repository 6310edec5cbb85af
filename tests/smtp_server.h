// A real SMTP server for tests: tests/smtp_server.py (aiosmtpd) as a child process on
// 127.0.0.1 and an ephemeral port. Each message it accepts is read back as JSON, parsed
// by Python's email package, so a test checks what a mail reader would see.
//
//   testing::SmtpServer server({.auth = "alice:s3cret"});   // listening once constructed
//   ASSERT_TRUE(server.running()) << server.failure();
//   sink.deliver(alert) ...                                  // to 127.0.0.1:server.port()
//   auto messages = server.wait_for_messages(1, std::chrono::seconds(5));
//   messages[0]["header"]["Subject"], messages[0]["parts"][0]["content"], ...
//
// The JSON fields are described at the top of tests/smtp_server.py. The destructor kills
// the server. TLS tests take their certificate from test_certificate(): self-signed for
// localhost and 127.0.0.1, made with the openssl command once per test binary, and also
// the CA file a client verifies the server with.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "child_process.h"
#include "temp_dir.h"

namespace sgwatch::testing {

// Debian's interpreter, where python3-aiosmtpd is installed (a python3 earlier on PATH
// may be another one).
inline constexpr const char* kSystemPython = "/usr/bin/python3";

inline std::string smtp_server_script() {
  return std::string(SGWATCH_TEST_DATA_DIR) + "/../smtp_server.py";
}

struct TestCertificate {
  std::string cert;   // PEM; also the CA file that makes a client trust it
  std::string key;    // PEM, unencrypted
  std::string error;  // "" when made
};

// Runs `argv` with its output thrown away; true when it exits 0.
inline bool run_quietly(std::vector<const char*> argv) {
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr,
                                  const_cast<char**>(argv.data()), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return false;
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return false;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// Made on first use and kept until the test binary exits. An EC key: RSA key generation
// would cost a noticeable part of a second.
inline const TestCertificate& test_certificate() {
  static TempDir dir;
  static const TestCertificate certificate = [] {
    TestCertificate made{dir.file("cert.pem"), dir.file("key.pem"), ""};
    const bool ok = run_quietly(
        {"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
         "ec_paramgen_curve:prime256v1", "-noenc", "-keyout", made.key.c_str(), "-out",
         made.cert.c_str(), "-days", "2", "-subj", "/CN=localhost", "-addext",
         "subjectAltName=DNS:localhost,IP:127.0.0.1"});
    if (!ok) made.error = "the openssl command could not make a certificate";
    return made;
  }();
  return certificate;
}

struct SmtpServerOptions {
  bool starttls = false;   // offer STARTTLS and require it (test_certificate())
  bool implicit_tls = false;  // TLS from the first byte (test_certificate())
  std::string auth{};      // "user:pass": AUTH required with these; "" = no AUTH
  int reject_rcpt = 0;     // answer every RCPT with this code (450, 550); 0 = accept
};

class SmtpServer {
 public:
  explicit SmtpServer(SmtpServerOptions options = {}) : out_(dir_.file("messages.jsonl")) {
    std::vector<std::string> args = {kSystemPython, smtp_server_script(), "--out", out_};
    if (options.starttls || options.implicit_tls) {
      const TestCertificate& certificate = test_certificate();
      if (!certificate.error.empty()) {
        failure_ = certificate.error;
        return;
      }
      args.insert(args.end(), {options.starttls ? "--starttls" : "--tls", certificate.cert,
                               certificate.key});
    }
    if (!options.auth.empty()) args.insert(args.end(), {"--auth", options.auth});
    if (options.reject_rcpt != 0) {
      args.insert(args.end(), {"--reject-rcpt", std::to_string(options.reject_rcpt)});
    }
    std::vector<const char*> argv;
    for (const std::string& arg : args) argv.push_back(arg.c_str());
    ChildProcess child = start_child(argv, STDOUT_FILENO);
    pid_ = child.pid;
    if (pid_ == 0) {
      failure_ = "cannot start " + std::string(kSystemPython);
      return;
    }
    port_ = read_port(child.output);
    std::fclose(child.output);  // nothing else is printed
    if (port_ <= 0) failure_ = "the SMTP server printed no port (is python3-aiosmtpd installed?)";
  }

  ~SmtpServer() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  SmtpServer(const SmtpServer&) = delete;
  SmtpServer& operator=(const SmtpServer&) = delete;

  bool running() const { return failure_.empty(); }
  const std::string& failure() const { return failure_; }
  int port() const { return port_; }
  // Where the accepted messages go, one JSON line each, written and flushed before the
  // server answers the DATA. For callers that only need to notice an arrival quickly
  // (a latency benchmark): messages() parses every message on each call.
  const std::string& messages_file() const { return out_; }

  // The messages accepted so far, oldest first.
  std::vector<nlohmann::json> messages() const {
    std::vector<nlohmann::json> out;
    std::ifstream file(out_);
    std::string line;
    // A line without its newline is still being written.
    while (std::getline(file, line) && !file.eof()) {
      out.push_back(nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false));
    }
    return out;
  }

  // At least `count` messages, or what there is once `timeout` has passed.
  std::vector<nlohmann::json> wait_for_messages(size_t count,
                                                std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      std::vector<nlohmann::json> out = messages();
      if (out.size() >= count || std::chrono::steady_clock::now() >= deadline) return out;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

 private:
  // The first line, within 10 s: the interpreter starting and importing takes a few
  // hundred milliseconds.
  static int read_port(std::FILE* output) {
    if (output == nullptr) return 0;
    pollfd ready{fileno(output), POLLIN, 0};
    if (poll(&ready, 1, 10000) <= 0) return 0;
    char line[32] = {};
    if (std::fgets(line, sizeof line, output) == nullptr) return 0;
    return std::atoi(line);
  }

  TempDir dir_;
  std::string out_;
  pid_t pid_ = 0;
  int port_ = 0;
  std::string failure_;
};

}  // namespace sgwatch::testing
