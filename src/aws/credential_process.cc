#include "aws/credential_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <simdjson.h>

#include "core/time_format.h"

extern char** environ;

namespace sgwatch {

Result<AwsCredentials> parse_credential_process_output(const std::string& output) {
  simdjson::dom::parser parser;
  simdjson::dom::object doc;
  if (parser.parse(output).get_object().get(doc) != simdjson::SUCCESS) {
    return invalid("credential_process did not print a JSON object");
  }
  int64_t version = 0;
  if (doc["Version"].get_int64().get(version) != simdjson::SUCCESS || version != 1) {
    return invalid("credential_process printed a document without \"Version\": 1");
  }
  AwsCredentials credentials;
  std::string_view text;
  for (auto [key, target] : {std::pair{"AccessKeyId", &credentials.access_key_id},
                             std::pair{"SecretAccessKey", &credentials.secret_access_key}}) {
    if (doc[key].get_string().get(text) != simdjson::SUCCESS || text.empty()) {
      return invalid(std::string("credential_process printed no ") + key);
    }
    *target = std::string(text);
  }
  if (doc["SessionToken"].get_string().get(text) == simdjson::SUCCESS) {
    credentials.session_token = std::string(text);
  }
  if (doc["Expiration"].get_string().get(text) == simdjson::SUCCESS) {
    auto expiration = parse_time(text);
    if (!expiration) return invalid("credential_process printed an unreadable Expiration");
    credentials.expiration = *expiration;
  }
  return credentials;
}

Result<AwsCredentials> run_credential_process(const std::string& command,
                                              std::chrono::milliseconds timeout) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return fail(ErrorCode::kIo, "cannot create a pipe for credential_process");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  pid_t pid = 0;
  int spawned = posix_spawn(&pid, "/bin/sh", &actions, nullptr, const_cast<char**>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (spawned != 0) {
    close(out[0]);
    return fail(ErrorCode::kIo, "cannot start credential_process");
  }

  std::string output;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool timed_out = false;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd fd{out[0], POLLIN, 0};
    if (poll(&fd, 1, static_cast<int>(left.count())) <= 0) continue;
    char buffer[4096];
    ssize_t n = read(out[0], buffer, sizeof buffer);
    if (n <= 0) break;
    output.append(buffer, static_cast<size_t>(n));
  }
  close(out[0]);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  if (timed_out) {
    return fail(ErrorCode::kIo, "credential_process did not finish within " +
                                    std::to_string(timeout.count()) + " ms");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return fail(ErrorCode::kIo, "credential_process failed (exit status " +
                                    std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
                                    ")");
  }
  return parse_credential_process_output(output);
}

}  // namespace sgwatch
