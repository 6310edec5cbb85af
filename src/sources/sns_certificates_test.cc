#include "sources/sns_certificates.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "aws/curl_transport.h"
#include "temp_dir.h"
#include "webhook_receiver.h"

namespace sgwatch::sns_certificates_test {
namespace {

const std::string kAwsName = "SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem";
const std::string kAwsUrl = "https://sns.us-west-2.amazonaws.com/" + kAwsName;

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string aws_certificate() {
  return read(std::string(SGWATCH_TEST_DATA_DIR) + "/sns/aws-sdk-java-v2_sns-message-manager/" +
              kAwsName);
}

std::vector<std::string> files_in(const std::string& dir) {
  std::vector<std::string> names;
  if (!std::filesystem::exists(dir)) return names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

class SnsCertificatesTest : public ::testing::Test {
 protected:
  CurlTransport transport_{[] {
    CurlTransportOptions options;
    options.allow_only_loopback = true;
    options.total_timeout = std::chrono::seconds(5);
    return options;
  }()};
  testing::TempDir dir_;
  testing::WebhookReceiver server_;
};

TEST_F(SnsCertificatesTest, ReadsAPreSeededFileWithoutFetching) {
  std::ofstream(dir_.file(kAwsName), std::ios::binary) << aws_certificate();
  SnsCertificates offline(dir_.path(), nullptr);
  auto pem = offline.certificate(kAwsUrl);
  ASSERT_TRUE(pem) << pem.error().message;
  EXPECT_EQ(*pem, aws_certificate());
  // Any regional host serving the same file name gives the same certificate.
  auto again = offline.certificate("https://sns.eu-west-1.amazonaws.com/" + kAwsName);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*again, aws_certificate());
}

TEST_F(SnsCertificatesTest, OfflineAndMissingIsNotFound) {
  SnsCertificates offline(dir_.path(), nullptr);
  auto pem = offline.certificate(kAwsUrl);
  ASSERT_FALSE(pem);
  EXPECT_EQ(pem.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(pem.error().message,
            "the certificate '" + kAwsName + "' is not in the cache directory '" + dir_.path() +
                "', and certificates are not fetched here (offline); put the file from " +
                kAwsUrl + " there");
}

TEST_F(SnsCertificatesTest, ACachedFileThatIsNotACertificateIsAnError) {
  std::ofstream(dir_.file(kAwsName)) << "not a certificate";
  SnsCertificates cache(dir_.path(), &transport_);
  auto pem = cache.certificate(kAwsUrl);
  ASSERT_FALSE(pem);
  EXPECT_NE(pem.error().message.find("the cached certificate '" + dir_.file(kAwsName) + "'"),
            std::string::npos)
      << pem.error().message;
  EXPECT_EQ(server_.count(), 0u);
}

TEST_F(SnsCertificatesTest, FetchesOnceAndWritesTheFile) {
  server_.answer_status(200, aws_certificate());
  const std::string url = server_.url("/certs/" + kAwsName);
  const std::string cache_dir = dir_.file("cache");  // created on first write
  SnsCertificates cache(cache_dir, &transport_);
  auto pem = cache.certificate(url);
  ASSERT_TRUE(pem) << pem.error().message;
  EXPECT_EQ(*pem, aws_certificate());
  EXPECT_EQ(server_.count(), 1u);
  EXPECT_EQ(server_.requests()[0].method, "GET");
  EXPECT_EQ(server_.requests()[0].path, "/certs/" + kAwsName);
  EXPECT_EQ(read(cache_dir + "/" + kAwsName), aws_certificate());
  EXPECT_EQ(files_in(cache_dir), std::vector<std::string>{kAwsName});  // no temp file left
  EXPECT_EQ(std::filesystem::status(cache_dir + "/" + kAwsName).permissions() &
                std::filesystem::perms::others_read,
            std::filesystem::perms::others_read);

  ASSERT_TRUE(cache.certificate(url));
  EXPECT_EQ(server_.count(), 1u);  // from memory
  SnsCertificates restarted(cache_dir, &transport_);
  ASSERT_TRUE(restarted.certificate(url));
  EXPECT_EQ(server_.count(), 1u);  // from the file
}

TEST_F(SnsCertificatesTest, ACertificateKeptOffDiskIsNeitherReadFromNorWrittenToIt) {
  // A stale file of the same name (an earlier run's emulator key) must not be used.
  std::ofstream(dir_.file(kAwsName)) << "an earlier run's certificate";
  server_.answer_status(200, aws_certificate());
  const std::string url = server_.url("/_emulator/sns/" + kAwsName);
  SnsCertificates cache(dir_.path(), &transport_);
  auto pem = cache.certificate(url, false);
  ASSERT_TRUE(pem) << pem.error().message;
  EXPECT_EQ(*pem, aws_certificate());
  EXPECT_EQ(read(dir_.file(kAwsName)), "an earlier run's certificate");
  EXPECT_EQ(files_in(dir_.path()), std::vector<std::string>{kAwsName});
  ASSERT_TRUE(cache.certificate(url, false));
  EXPECT_EQ(server_.count(), 1u);  // kept in memory
}

TEST_F(SnsCertificatesTest, FailedFetchesWriteNothing) {
  const std::string url = server_.url("/" + kAwsName);
  SnsCertificates cache(dir_.path(), &transport_);

  server_.answer_status(404, "no such certificate");
  auto missing = cache.certificate(url);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("gave HTTP 404, not 200"), std::string::npos)
      << missing.error().message;

  server_.answer_status(200, "<html>hello</html>");
  auto html = cache.certificate(url);
  ASSERT_FALSE(html);
  EXPECT_NE(html.error().message.find("is not PEM text"), std::string::npos)
      << html.error().message;

  server_.answer_status(200, aws_certificate() + aws_certificate());
  auto two = cache.certificate(url);
  ASSERT_FALSE(two);
  EXPECT_NE(two.error().message.find("more than one PEM block"), std::string::npos);

  server_.answer_status(200, aws_certificate() + std::string(70 * 1024, '\n'));
  auto big = cache.certificate(url);
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().message.find("over the 65536 byte limit"), std::string::npos)
      << big.error().message;

  EXPECT_EQ(server_.count(), 4u);  // a failure is not remembered: each call tries again
  EXPECT_TRUE(files_in(dir_.path()).empty());

  testing::WebhookReceiver gone;
  const std::string gone_url = gone.url("/" + kAwsName);
  gone.stop();
  auto unreachable = cache.certificate(gone_url);
  ASSERT_FALSE(unreachable);
  EXPECT_EQ(unreachable.error().code, ErrorCode::kIo);
  EXPECT_TRUE(files_in(dir_.path()).empty());
}

TEST_F(SnsCertificatesTest, RefusesUnsafeFileNames) {
  server_.answer_status(200, aws_certificate());
  SnsCertificates cache(dir_.path(), &transport_);
  for (const char* path : {"/cert.txt", "/x.pem/", "/a%2Fb.pem", "/a%20b.pem", "/.pem",
                                  "/"}) {
    auto pem = cache.certificate(server_.url(path));
    ASSERT_FALSE(pem) << path;
    EXPECT_NE(pem.error().message.find("does not end in a safe file name"), std::string::npos)
        << path << ": " << pem.error().message;
  }
  EXPECT_EQ(server_.count(), 0u);
  EXPECT_TRUE(files_in(dir_.path()).empty());
  EXPECT_EQ(SnsCertificates::cache_file_name(kAwsUrl).value_or(""), kAwsName);
}

}  // namespace
}  // namespace sgwatch::sns_certificates_test
