// Runs Debian's real awscli (/usr/bin/aws) against a loopback endpoint, with an
// environment of its own: fake keys, config files in a temporary directory, instance
// metadata disabled, no pager. Nothing it does can reach beyond loopback.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "temp_dir.h"

namespace sgwatch::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  nlohmann::json json() const { return nlohmann::json::parse(out.empty() ? "{}" : out); }
};

class AwsCli {
 public:
  AwsCli(std::string endpoint, std::string access_key, std::string secret,
         std::string region = "eu-west-1")
      : endpoint_(std::move(endpoint)) {
    std::ofstream(dir_.file("config")) << "[default]\nregion = " << region << "\n";
    std::ofstream(dir_.file("credentials")) << "[default]\naws_access_key_id = " << access_key
                                            << "\naws_secret_access_key = " << secret << "\n";
    env_ = {{"PATH", "/usr/bin:/bin"},
            {"HOME", dir_.path()},
            {"AWS_CONFIG_FILE", dir_.file("config")},
            {"AWS_SHARED_CREDENTIALS_FILE", dir_.file("credentials")},
            {"AWS_EC2_METADATA_DISABLED", "true"},
            {"AWS_PAGER", ""},
            {"AWS_MAX_ATTEMPTS", "1"},
            {"AWS_RETRY_MODE", "standard"}};
  }

  // Sets (or with an empty value, clears) a variable of awscli's environment.
  void set_env(const std::string& name, const std::string& value) { env_[name] = value; }

  // Runs `aws --endpoint-url E --output json ARGS...`.
  CliResult run(const std::vector<std::string>& args) const {
    std::string command = "env -i";
    for (const auto& [name, value] : env_) command += " " + quote(name + "=" + value);
    command += " /usr/bin/aws --endpoint-url " + quote(endpoint_) + " --output json";
    for (const std::string& arg : args) command += " " + quote(arg);
    const std::string err_file = dir_.file("stderr");
    command += " 2>" + quote(err_file);
    CliResult result;
    std::FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return result;
    char buffer[8192];
    while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) result.out.append(buffer, n);
    int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream err(err_file);
    std::stringstream text;
    text << err.rdbuf();
    result.err = text.str();
    return result;
  }

 private:
  static std::string quote(const std::string& text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
  }

  TempDir dir_;
  std::string endpoint_;
  std::map<std::string, std::string> env_;
};

// Runs and insists on success, returning the parsed output.
inline nlohmann::json ok(const AwsCli& cli, const std::vector<std::string>& args) {
  CliResult result = cli.run(args);
  EXPECT_EQ(result.exit_code, 0) << args[0] << " " << args[1] << ": " << result.err;
  return result.exit_code == 0 ? result.json() : nlohmann::json();
}

// Runs and insists on failure with AWS error `code`, which awscli prints in parentheses.
inline void fails_with(const AwsCli& cli, const std::vector<std::string>& args,
                       const std::string& code) {
  CliResult result = cli.run(args);
  EXPECT_NE(result.exit_code, 0) << result.out;
  EXPECT_NE(result.err.find("(" + code + ")"), std::string::npos)
      << "expected " << code << ", got: " << result.err;
}

}  // namespace sgwatch::testing
