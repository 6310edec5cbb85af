#include "state/store_lock.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "temp_dir.h"

namespace sgwatch::store_lock_test {
namespace {

class StoreLockTest : public ::testing::Test {
 protected:
  std::string read_lock_file() const {
    std::ifstream in(store_ + ".lock");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  testing::TempDir temp_;
  const std::string dir_ = temp_.path();
  const std::string store_ = dir_ + "/sgwatch.db";
};

TEST_F(StoreLockTest, SecondAcquireIsBusyUntilTheFirstIsReleased) {
  auto first = StoreLock::acquire(store_);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(first->lock_path(), store_ + ".lock");
  EXPECT_EQ(read_lock_file(), std::to_string(::getpid()) + "\n");

  auto second = StoreLock::acquire(store_);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, ErrorCode::kBusy);
  EXPECT_NE(second.error().message.find("'" + store_ + "'"), std::string::npos)
      << second.error().message;
  EXPECT_NE(second.error().message.find("(pid " + std::to_string(::getpid()) + ")"),
            std::string::npos)
      << second.error().message;

  first = tl::unexpected(Error{ErrorCode::kIo, "released"});  // destroys the lock
  EXPECT_EQ(read_lock_file(), "");
  auto third = StoreLock::acquire(store_);
  EXPECT_TRUE(third.has_value()) << third.error().message;
}

TEST_F(StoreLockTest, MovingKeepsTheLockAndAssigningReleasesTheOldOne) {
  std::string other_store = dir_ + "/other.db";
  auto a = StoreLock::acquire(store_);
  auto b = StoreLock::acquire(other_store);
  ASSERT_TRUE(a.has_value() && b.has_value());

  {
    StoreLock moved(std::move(*a));
    a = tl::unexpected(Error{ErrorCode::kIo, "moved from"});
    EXPECT_FALSE(StoreLock::acquire(store_).has_value()) << "the moved lock still holds";

    moved = std::move(*b);  // drops the lock on store_, takes over other_store's
    b = tl::unexpected(Error{ErrorCode::kIo, "moved from"});
    EXPECT_TRUE(StoreLock::acquire(store_).has_value());
    EXPECT_FALSE(StoreLock::acquire(other_store).has_value());
  }
  EXPECT_TRUE(StoreLock::acquire(other_store).has_value());
}

TEST_F(StoreLockTest, NamesTheHoldingProcess) {
  int to_child[2];
  int to_parent[2];
  ASSERT_EQ(::pipe(to_child), 0);
  ASSERT_EQ(::pipe(to_parent), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(to_child[1]);
    ::close(to_parent[0]);
    auto lock = StoreLock::acquire(store_);
    char status = lock.has_value() ? 'y' : 'n';
    if (::write(to_parent[1], &status, 1) != 1) ::_exit(2);
    char done;
    (void)!::read(to_child[0], &done, 1);  // returns when the parent closes its end
    ::_exit(0);
  }
  ::close(to_child[0]);
  ::close(to_parent[1]);
  char status = 0;
  ASSERT_EQ(::read(to_parent[0], &status, 1), 1);
  ASSERT_EQ(status, 'y');

  auto busy = StoreLock::acquire(store_);
  ASSERT_FALSE(busy.has_value());
  EXPECT_EQ(busy.error().code, ErrorCode::kBusy);
  EXPECT_NE(busy.error().message.find("(pid " + std::to_string(child) + ")"),
            std::string::npos)
      << busy.error().message;

  ::close(to_child[1]);
  int wstatus = 0;
  ASSERT_EQ(::waitpid(child, &wstatus, 0), child);
  ::close(to_parent[0]);
  auto after_exit = StoreLock::acquire(store_);
  EXPECT_TRUE(after_exit.has_value()) << after_exit.error().message;
}

TEST_F(StoreLockTest, MissingDirectoryIsAnIoError) {
  auto lock = StoreLock::acquire(dir_ + "/no/such/dir/sgwatch.db");
  ASSERT_FALSE(lock.has_value());
  EXPECT_EQ(lock.error().code, ErrorCode::kIo);
  EXPECT_NE(lock.error().message.find("/no/such/dir/sgwatch.db.lock"), std::string::npos)
      << lock.error().message;
}

}  // namespace
}  // namespace sgwatch::store_lock_test
