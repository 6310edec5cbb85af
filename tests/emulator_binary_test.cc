// The sgwatch-emulator program: it starts, says where it listens, serves, and stops
// cleanly on SIGTERM.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "child_process.h"

namespace sgwatch::emulator_binary_test {
namespace {

TEST(EmulatorBinary, StartsServesAndStops) {
  auto [pid, lines] =
      testing::start_child({SGWATCH_EMULATOR_BINARY, "--port", "0"}, STDOUT_FILENO);
  ASSERT_NE(pid, 0);
  char line[256] = {};
  ASSERT_NE(std::fgets(line, sizeof line, lines), nullptr);
  std::string text(line);
  const std::string prefix = "sgwatch-emulator listening on http://127.0.0.1:";
  ASSERT_EQ(text.rfind(prefix, 0), 0u) << text;
  int port = std::stoi(text.substr(prefix.size()));

  httplib::Client client("127.0.0.1", port);
  auto health = client.Get("/_emulator/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(nlohmann::json::parse(health->body)["status"], "ok");

  kill(pid, SIGTERM);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::fclose(lines);
}

}  // namespace
}  // namespace sgwatch::emulator_binary_test
