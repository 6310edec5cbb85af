// Where sgwatch's diagnostics go and how each line starts. Results (a command's output)
// never pass here.
//
// On a terminal or in a file a line reads "sgwatch: warning: ...". Under systemd, when
// stderr is the journal's stream, each line starts with its sd-daemon(3) priority prefix
// ("<4>warning: ..."): journald strips it and files the line at that priority, so
// `journalctl -p warning -u sgwatch` shows warnings and errors only. The journal names the
// program itself, so the "sgwatch: " is left out there.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <string_view>

namespace spdlog {
class logger;
}  // namespace spdlog

namespace sgwatch {

// syslog's priorities, as journald reads them.
enum class LogPriority { kCritical = 2, kError = 3, kWarning = 4, kInfo = 6, kDebug = 7 };

// True when `journal_stream` (JOURNAL_STREAM: "DEVICE:INODE", set by systemd for a unit
// whose output goes to the journal) names the file `fd` is open on. Children inherit the
// variable, so it alone proves nothing: a script run from a unit that sends sgwatch's
// stderr to a file still has it, and then the prefixes would end up in the file.
bool is_journal_stream(const char* journal_stream, int fd);

// is_journal_stream($JOURNAL_STREAM, stderr).
bool stderr_is_journal();

// "<3>" for kError under the journal; "sgwatch: " otherwise.
std::string line_start(LogPriority priority, bool journal);

// Writes one diagnostic line: "sgwatch: error: message" (or "<3>error: message").
void write_diagnostic(std::ostream& err, LogPriority priority, std::string_view message,
                      bool journal);

// Makes spdlog's default logger write to `err` at `level` ("info", "warn", ...; unknown
// names are "off"), in the form above.
void set_up_logging(std::ostream& err, const std::string& level, bool journal);

// set_up_logging for a scope: the default logger from before comes back at its end. The
// logger writes to `err`, which need not outlive the scope (a test's string stream), and
// any later log line would write to it.
class ScopedLogging {
 public:
  ScopedLogging(std::ostream& err, const std::string& level, bool journal);
  ~ScopedLogging();
  ScopedLogging(const ScopedLogging&) = delete;
  ScopedLogging& operator=(const ScopedLogging&) = delete;

 private:
  std::shared_ptr<spdlog::logger> previous_;
};

}  // namespace sgwatch
