#include "app/log_output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include "temp_dir.h"

namespace sgwatch::log_output_test {
namespace {

// An open file and the JOURNAL_STREAM value systemd would give for it.
class OpenFile {
 public:
  explicit OpenFile(const std::string& path)
      : fd_(open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600)) {}
  ~OpenFile() { close(fd_); }
  int fd() const { return fd_; }
  std::string journal_stream() const {
    struct stat st {};
    fstat(fd_, &st);
    return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  }

 private:
  int fd_;
};

TEST(LogOutput, JournalStreamMustNameTheVeryFile) {
  testing::TempDir dir;
  OpenFile journal(dir.file("journal")), other(dir.file("other"));
  ASSERT_GE(journal.fd(), 0);
  const std::string value = journal.journal_stream();
  EXPECT_TRUE(is_journal_stream(value.c_str(), journal.fd()));
  // Inherited by a child whose stderr went elsewhere: not the journal.
  EXPECT_FALSE(is_journal_stream(value.c_str(), other.fd()));
  EXPECT_FALSE(is_journal_stream(nullptr, journal.fd()));
  const std::string device = value.substr(0, value.find(':'));
  for (const std::string& bad : {std::string(""), std::string(":"), device, device + ":",
                                 ":" + value.substr(value.find(':') + 1), value + "x",
                                 "x" + value, device + ":-1", value + ":1"}) {
    EXPECT_FALSE(is_journal_stream(bad.c_str(), journal.fd())) << bad;
  }
  EXPECT_FALSE(is_journal_stream(value.c_str(), -1));
}

TEST(LogOutput, LinesStartWithTheirPriorityUnderTheJournalOnly) {
  EXPECT_EQ(line_start(LogPriority::kError, true), "<3>");
  EXPECT_EQ(line_start(LogPriority::kWarning, true), "<4>");
  EXPECT_EQ(line_start(LogPriority::kInfo, true), "<6>");
  EXPECT_EQ(line_start(LogPriority::kWarning, false), "sgwatch: ");

  std::ostringstream plain, journal;
  write_diagnostic(plain, LogPriority::kError, "the store is locked", false);
  write_diagnostic(journal, LogPriority::kError, "the store is locked", true);
  EXPECT_EQ(plain.str(), "sgwatch: error: the store is locked\n");
  EXPECT_EQ(journal.str(), "<3>error: the store is locked\n");
}

TEST(LogOutput, TheLoggerPrefixesEachLevelWithItsSdDaemonPriority) {
  const auto before = spdlog::default_logger();
  std::ostringstream journal, plain;
  {
    ScopedLogging logging(journal, "debug", true);
    spdlog::critical("c");
    spdlog::error("e");
    spdlog::warn("w");
    spdlog::info("i");
    spdlog::debug("d");
    spdlog::trace("not shown at debug");
  }
  {
    ScopedLogging logging(plain, "warn", false);
    spdlog::warn("w");
    spdlog::info("not shown at warn");
  }
  EXPECT_EQ(journal.str(), "<2>critical: c\n<3>error: e\n<4>warning: w\n<6>info: i\n<7>debug: d\n");
  EXPECT_EQ(plain.str(), "sgwatch: warning: w\n");
  // The streams may die now: nothing logs to them any more.
  EXPECT_EQ(spdlog::default_logger(), before);
}

}  // namespace
}  // namespace sgwatch::log_output_test
