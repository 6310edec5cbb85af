#include "core/digest.h"

#include <gtest/gtest.h>

#include <string>

namespace sgwatch::digest_test {
namespace {

TEST(DigestTest, Base64MatchesRfc4648Vectors) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foob"), "Zm9vYg==");
  EXPECT_EQ(base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
}

TEST(DigestTest, Base64CarriesEveryByte) {
  // SMTP's AUTH PLAIN separates its fields with NUL.
  EXPECT_EQ(base64(std::string("\0user\0pass", 10)), "AHVzZXIAcGFzcw==");
  EXPECT_EQ(base64(std::string("\xff\xfe\x00", 3)), "//4A");
  // Long input stays on one line, unlike MIME's encoders.
  const std::string encoded = base64(std::string(100, 'a'));
  EXPECT_EQ(encoded.size(), 136u);
  EXPECT_EQ(encoded.find_first_of("\r\n"), std::string::npos);
}

}  // namespace
}  // namespace sgwatch::digest_test
