// The shared config's credential_process: a command whose standard output is a JSON
// document {"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}.
#pragma once

#include <chrono>
#include <string>

#include "aws/credentials.h"
#include "core/error.h"

namespace sgwatch {

// Runs `command` through /bin/sh and reads its credentials. The command's standard error
// passes through; a non-zero exit, a timeout or a malformed document is an error that
// never quotes the output (it holds secrets).
Result<AwsCredentials> run_credential_process(const std::string& command,
                                              std::chrono::milliseconds timeout = std::chrono::seconds(60));

// Reads the document itself; exposed for tests.
Result<AwsCredentials> parse_credential_process_output(const std::string& output);

}  // namespace sgwatch
