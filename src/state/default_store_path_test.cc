#include <gtest/gtest.h>

#include "scoped_env.h"
#include "state/sqlite_store.h"

namespace sgwatch::default_store_path_test {
namespace {

TEST(DefaultStorePath, FollowsSystemdThenXdgThenHome) {
  testing::ScopedEnv env;
  env.set("STATE_DIRECTORY", std::nullopt);
  env.set("XDG_STATE_HOME", std::nullopt);
  env.set("HOME", "/home/ops");
  EXPECT_EQ(default_store_path(), "/home/ops/.local/state/sgwatch/sgwatch.db");

  env.set("XDG_STATE_HOME", "relative/state");  // ignored, as the XDG spec says
  EXPECT_EQ(default_store_path(), "/home/ops/.local/state/sgwatch/sgwatch.db");
  env.set("XDG_STATE_HOME", "/srv/state");
  EXPECT_EQ(default_store_path(), "/srv/state/sgwatch/sgwatch.db");

  env.set("STATE_DIRECTORY", "");
  EXPECT_EQ(default_store_path(), "/srv/state/sgwatch/sgwatch.db");
  env.set("STATE_DIRECTORY", "/var/lib/sgwatch");
  EXPECT_EQ(default_store_path(), "/var/lib/sgwatch/sgwatch.db");
  env.set("STATE_DIRECTORY", "/var/lib/sgwatch:/var/lib/other");
  EXPECT_EQ(default_store_path(), "/var/lib/sgwatch/sgwatch.db");
}

}  // namespace
}  // namespace sgwatch::default_store_path_test
