#include "app/jsonl_file.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "temp_dir.h"

namespace sgwatch::jsonl_file_test {
namespace {

using nlohmann::json;

std::string contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

// Every line of the file parsed back; a line that is not JSON fails the test.
std::vector<json> parsed_lines(const std::string& path) {
  std::vector<json> out;
  std::istringstream in(contents(path));
  std::string line;
  while (std::getline(in, line)) {
    json value = json::parse(line, nullptr, false);
    EXPECT_FALSE(value.is_discarded()) << "not JSON: " << line;
    out.push_back(std::move(value));
  }
  return out;
}

TEST(JsonlFile, AppendsAcrossOpensOneDocumentPerLine) {
  testing::TempDir dir;
  const std::string path = dir.file("changes.jsonl");
  {
    auto file = JsonlFile::open(path);
    ASSERT_TRUE(file) << file.error().message;
    EXPECT_EQ(file->path(), path);
    auto appended = file->append({{{"n", 1}, {"text", "two\nlines"}}, {{"n", 2}}});
    ASSERT_TRUE(appended) << appended.error().message;
  }
  {
    auto file = JsonlFile::open(path);
    ASSERT_TRUE(file) << file.error().message;
    ASSERT_TRUE(file->append({{{"n", 3}}}));
  }
  const std::string text = contents(path);
  EXPECT_EQ(text, "{\"n\":1,\"text\":\"two\\nlines\"}\n{\"n\":2}\n{\"n\":3}\n");
  auto lines = parsed_lines(path);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["text"], "two\nlines");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(lines[i]["n"], i + 1);
}

TEST(JsonlFile, TwoWritersOnOneFileNeverOverwriteEachOther) {
  testing::TempDir dir;
  const std::string path = dir.file("changes.jsonl");
  auto first = JsonlFile::open(path);
  auto second = JsonlFile::open(path);
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(first->append({{{"writer", "first"}, {"batch", 1}}, {{"writer", "first"}, {"batch", 1}}}));
  ASSERT_TRUE(second->append({{{"writer", "second"}, {"batch", 1}}}));
  ASSERT_TRUE(first->append({{{"writer", "first"}, {"batch", 2}}}));
  auto lines = parsed_lines(path);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[2]["writer"], "second");
  EXPECT_EQ(lines[3]["batch"], 2);
}

TEST(JsonlFile, CreatesTheFileReadableByItsGroupOnly) {
  testing::TempDir dir;
  const std::string path = dir.file("changes.jsonl");
  const mode_t mask = ::umask(0);
  ::umask(mask);
  auto file = JsonlFile::open(path);
  ASSERT_TRUE(file) << file.error().message;
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0640u & ~mask);
  EXPECT_EQ(info.st_size, 0);
}

TEST(JsonlFile, AnEmptyBatchWritesNothing) {
  testing::TempDir dir;
  const std::string path = dir.file("changes.jsonl");
  auto file = JsonlFile::open(path);
  ASSERT_TRUE(file);
  ASSERT_TRUE(file->append({}));
  EXPECT_EQ(contents(path), "");
}

TEST(JsonlFile, MissingDirectoryIsAnErrorNamingThePath) {
  testing::TempDir dir;
  const std::string path = dir.file("no-such-dir/changes.jsonl");
  auto file = JsonlFile::open(path);
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().code, ErrorCode::kIo);
  EXPECT_NE(file.error().message.find(path), std::string::npos) << file.error().message;
  EXPECT_NE(file.error().message.find("No such file or directory"), std::string::npos)
      << file.error().message;
  EXPECT_FALSE(std::filesystem::exists(dir.file("no-such-dir")));
}

TEST(JsonlFile, ADirectoryIsNotAFile) {
  testing::TempDir dir;
  auto file = JsonlFile::open(dir.path());
  ASSERT_FALSE(file);
  EXPECT_NE(file.error().message.find(dir.path()), std::string::npos) << file.error().message;
}

TEST(JsonlFile, WriteErrorsNameThePath) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full here";
  auto file = JsonlFile::open("/dev/full");
  ASSERT_TRUE(file) << file.error().message;
  auto appended = file->append({{{"n", 1}}});
  ASSERT_FALSE(appended);
  EXPECT_EQ(appended.error().code, ErrorCode::kIo);
  EXPECT_NE(appended.error().message.find("/dev/full"), std::string::npos)
      << appended.error().message;
}

TEST(JsonlFile, MovingHandsOverTheDescriptor) {
  testing::TempDir dir;
  const std::string path = dir.file("changes.jsonl");
  auto opened = JsonlFile::open(path);
  ASSERT_TRUE(opened);
  JsonlFile file = std::move(*opened);
  ASSERT_TRUE(file.append({{{"n", 1}}}));
  // The moved-from object owns nothing: it reports an error instead of writing.
  EXPECT_FALSE(opened->append({{{"n", 2}}}));

  auto other = JsonlFile::open(dir.file("other.jsonl"));
  ASSERT_TRUE(other);
  file = std::move(*other);
  EXPECT_EQ(file.path(), dir.file("other.jsonl"));
  ASSERT_TRUE(file.append({{{"n", 3}}}));
  EXPECT_EQ(contents(path), "{\"n\":1}\n");
  EXPECT_EQ(contents(dir.file("other.jsonl")), "{\"n\":3}\n");
}

}  // namespace
}  // namespace sgwatch::jsonl_file_test
