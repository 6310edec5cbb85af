#include "app/log_output.h"

#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <memory>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

namespace sgwatch {
namespace {

LogPriority priority_of(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::critical:
      return LogPriority::kCritical;
    case spdlog::level::err:
      return LogPriority::kError;
    case spdlog::level::warn:
      return LogPriority::kWarning;
    case spdlog::level::info:
      return LogPriority::kInfo;
    default:
      return LogPriority::kDebug;
  }
}

const char* level_word(LogPriority priority) {
  switch (priority) {
    case LogPriority::kCritical:
      return "critical";
    case LogPriority::kError:
      return "error";
    case LogPriority::kWarning:
      return "warning";
    case LogPriority::kInfo:
      return "info";
    case LogPriority::kDebug:
      return "debug";
  }
  return "info";
}

// The "%*" of the pattern: the line's start, by the message's level.
class LineStartFlag : public spdlog::custom_flag_formatter {
 public:
  explicit LineStartFlag(bool journal) : journal_(journal) {}
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const std::string start = line_start(priority_of(msg.level), journal_);
    dest.append(start.data(), start.data() + start.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<LineStartFlag>(journal_);
  }

 private:
  bool journal_;
};

bool parse_number(std::string_view text, unsigned long long& out) {
  if (text.empty()) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

bool is_journal_stream(const char* journal_stream, int fd) {
  if (journal_stream == nullptr) return false;
  const std::string_view text(journal_stream);
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  unsigned long long device = 0, inode = 0;
  if (!parse_number(text.substr(0, colon), device) ||
      !parse_number(text.substr(colon + 1), inode)) {
    return false;
  }
  struct stat st {};
  if (fstat(fd, &st) != 0) return false;
  return static_cast<unsigned long long>(st.st_dev) == device &&
         static_cast<unsigned long long>(st.st_ino) == inode;
}

bool stderr_is_journal() { return is_journal_stream(std::getenv("JOURNAL_STREAM"), STDERR_FILENO); }

std::string line_start(LogPriority priority, bool journal) {
  if (journal) return "<" + std::to_string(static_cast<int>(priority)) + ">";
  return "sgwatch: ";
}

void write_diagnostic(std::ostream& err, LogPriority priority, std::string_view message,
                      bool journal) {
  err << line_start(priority, journal) << level_word(priority) << ": " << message << "\n";
}

void set_up_logging(std::ostream& err, const std::string& level, bool journal) {
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(err, /*force_flush=*/true);
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<LineStartFlag>('*', journal).set_pattern("%*%l: %v");
  sink->set_formatter(std::move(formatter));
  auto logger = std::make_shared<spdlog::logger>("sgwatch", sink);
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
}

ScopedLogging::ScopedLogging(std::ostream& err, const std::string& level, bool journal)
    : previous_(spdlog::default_logger()) {
  set_up_logging(err, level, journal);
}

ScopedLogging::~ScopedLogging() { spdlog::set_default_logger(previous_); }

}  // namespace sgwatch
