// Starts one of sgwatch's programs as a child process with one of its output streams
// piped back, for tests of the real binaries (signals, exit codes, what they print).
#pragma once

#include <spawn.h>
#include <unistd.h>

#include <cstdio>
#include <vector>

extern char** environ;

namespace sgwatch::testing {

struct ChildProcess {
  pid_t pid = 0;
  std::FILE* output = nullptr;  // the piped stream, read line by line; fclose when done
};

// Runs argv[0] with this process's environment; `stream` (STDOUT_FILENO or
// STDERR_FILENO) comes back through ChildProcess::output. pid 0 when it could not start.
inline ChildProcess start_child(std::vector<const char*> argv, int stream) {
  argv.push_back(nullptr);
  int pipe_ends[2];
  if (pipe(pipe_ends) != 0) return {};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_ends[1], stream);
  posix_spawn_file_actions_addclose(&actions, pipe_ends[0]);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr,
                                  const_cast<char**>(argv.data()), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_ends[1]);
  if (spawned != 0) {
    close(pipe_ends[0]);
    return {};
  }
  return {pid, fdopen(pipe_ends[0], "r")};
}

}  // namespace sgwatch::testing
