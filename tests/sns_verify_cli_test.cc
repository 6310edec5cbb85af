// `sgwatch sns verify` in-process and as the real binary: which captured SNS messages it
// accepts, how it says why it rejects one, and its exit codes.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "core/clock.h"
#include "core/time_format.h"
#include "scoped_env.h"
#include "temp_dir.h"

namespace sgwatch::sns_verify_cli_test {
namespace {

const std::string kGenuineDir =
    std::string(SGWATCH_TEST_DATA_DIR) + "/sns/aws-sdk-java-v2_sns-message-manager";
const std::string kSyntheticDir =
    std::string(SGWATCH_TEST_DATA_DIR) + "/sns/bobf_action_mailbox_amazon_ingress";
const std::string kAwsCert = "SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem";
const std::string kTopic = "arn:aws:sns:us-west-2:131990247566:dongie-standard-topic";

std::string genuine(const std::string& file) { return kGenuineDir + "/" + file; }

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

class SnsVerifyCli : public ::testing::Test {
 protected:
  void SetUp() override { env_.set("SGWATCH_CONFIG", std::nullopt); }
  using Outcome = testing::CliOutcome;
  // The real clock would make every capture too old; tests that want "now" say --at.
  Outcome sgwatch(std::vector<std::string> args) {
    return testing::run_sgwatch(std::move(args), ManualClock(*parse_time("2026-03-06T20:05:00Z")));
  }
  // A copy of a genuine message with one member set.
  std::string tampered(const std::string& file, const std::string& key, const std::string& value) {
    nlohmann::json doc = nlohmann::json::parse(read(genuine(file)));
    doc[key] = value;
    const std::string path = dir_.file(key + "-" + file);
    std::ofstream(path) << doc.dump(2);
    return path;
  }

  testing::TempDir dir_;
  testing::ScopedEnv env_;
};

TEST_F(SnsVerifyCli, VerifiesTheGenuineMessages) {
  Outcome verified = sgwatch({"sns", "verify", "--cert-dir", kGenuineDir, "--at",
                              "2026-03-06T20:10:00Z",
                              genuine("test-notification-with-subject.json"),
                              genuine("test-notification-no-subject.json"),
                              genuine("test-notification-signature-v2.json"),
                              genuine("test-subscription-confirmation.json"),
                              genuine("test-unsubscribe-confirmation.json")});
  EXPECT_EQ(verified.code, 0) << verified.out << verified.err;
  const std::string suffix = " from " + kTopic + ", ";
  EXPECT_EQ(verified.out,
            genuine("test-notification-with-subject.json") +
                ": verified: Notification 26858270-545e-5848-82a2-e05566af3dcf" + suffix +
                "SHA1withRSA, certificate " + kAwsCert + "\n" +
                genuine("test-notification-no-subject.json") +
                ": verified: Notification c0e5a280-53c9-5a98-93bb-c0a560b3d192" + suffix +
                "SHA1withRSA, certificate " + kAwsCert + "\n" +
                genuine("test-notification-signature-v2.json") +
                ": verified: Notification 9d2c5580-b61d-550c-8583-37a582870907" + suffix +
                "SHA256withRSA, certificate " + kAwsCert + "\n" +
                genuine("test-subscription-confirmation.json") +
                ": verified: SubscriptionConfirmation f3f2fc87-c426-4c2f-9044-b55890c0939c" +
                suffix + "SHA1withRSA, certificate " + kAwsCert + "\n" +
                genuine("test-unsubscribe-confirmation.json") +
                ": verified: UnsubscribeConfirmation 0b71e34e-42c3-486a-9e32-b1928ec994b5" +
                suffix + "SHA256withRSA, certificate " + kAwsCert + "\n");
  EXPECT_EQ(verified.err, "");
}

TEST_F(SnsVerifyCli, TheClockIsNowUnlessAtSaysOtherwise) {
  // The test clock reads 2026-03-06T20:05:00Z: the v2 notification of 20:00 is fresh...
  Outcome fresh =
      sgwatch({"sns", "verify", "--cert-dir", kGenuineDir, genuine("test-notification-signature-v2.json")});
  EXPECT_EQ(fresh.code, 0) << fresh.out;
  // ... and an hour later it is too old, unless --max-age allows more.
  const std::vector<std::string> late = {"sns", "verify", "--cert-dir", kGenuineDir, "--at",
                                         "2026-03-06T21:05:00Z",
                                         genuine("test-notification-signature-v2.json")};
  Outcome old = sgwatch(late);
  EXPECT_EQ(old.code, 1);
  EXPECT_NE(old.out.find(": rejected: SNS message 9d2c5580-b61d-550c-8583-37a582870907 from " +
                         kTopic + " failed the age check: it was sent at 2026-03-06T20:00:26.893Z"),
            std::string::npos)
      << old.out;
  std::vector<std::string> longer = late;
  longer.insert(longer.begin() + 2, {"--max-age", "2h"});
  EXPECT_EQ(sgwatch(longer).code, 0);
}

TEST_F(SnsVerifyCli, RejectsTamperedCopiesAndSaysWhy) {
  const std::string file = "test-notification-with-subject.json";
  const std::string changed = tampered(file, "Message", "Hello! This message has a subject?");
  const std::string http = tampered(
      file, "SigningCertURL", "http://sns.us-west-2.amazonaws.com/" + kAwsCert);
  const std::string v3 = tampered(file, "SignatureVersion", "3");
  Outcome outcome = sgwatch({"sns", "verify", "--cert-dir", kGenuineDir, "--at",
                             "2026-03-06T20:00:00Z", changed, genuine(file), http, v3});
  EXPECT_EQ(outcome.code, 1);
  const std::string message = "SNS message 26858270-545e-5848-82a2-e05566af3dcf from " + kTopic;
  EXPECT_EQ(outcome.out,
            changed + ": rejected: " + message +
                " failed the signature check: the SHA1withRSA signature does not match the "
                "signed fields\n" +
                genuine(file) + ": verified: Notification 26858270-545e-5848-82a2-e05566af3dcf from " +
                kTopic + ", SHA1withRSA, certificate " + kAwsCert + "\n" + http +
                ": rejected: " + message +
                " failed the certificate URL check: SigningCertURL 'http://sns.us-west-2."
                "amazonaws.com/" + kAwsCert + "' is not https\n" +
                v3 + ": rejected: " + message +
                " failed the signature version check: SignatureVersion '3' is not supported "
                "(only 1 and 2)\n");
}

TEST_F(SnsVerifyCli, UnreadableFilesAreRejectedToo) {
  const std::string missing = dir_.file("missing.json");
  const std::string broken = dir_.file("broken.json");
  std::ofstream(broken) << "{\"Type\": \"Notification\"}";
  Outcome outcome = sgwatch({"sns", "verify", "--cert-dir", kGenuineDir, missing, broken});
  EXPECT_EQ(outcome.code, 1);
  EXPECT_EQ(outcome.out, missing + ": rejected: cannot open '" + missing +
                             "': No such file or directory\n" + broken +
                             ": rejected: MessageId: missing\n");
}

TEST_F(SnsVerifyCli, JsonOutput) {
  const std::string file = "test-notification-no-subject.json";
  const std::string other_topic = tampered(file, "TopicArn", kTopic + "-other");
  Outcome outcome = sgwatch({"--output", "json", "sns", "verify", "--cert-dir", kGenuineDir,
                             "--at", "2026-03-06T20:00:00Z", "--topic", "*:dongie-standard-topic",
                             genuine(file), other_topic, dir_.file("none.json")});
  EXPECT_EQ(outcome.code, 1);
  nlohmann::json doc = outcome.json();
  ASSERT_EQ(doc.size(), 3u) << outcome.out;
  EXPECT_EQ(doc[0], nlohmann::json({{"file", genuine(file)},
                                    {"verified", true},
                                    {"type", "Notification"},
                                    {"message_id", "c0e5a280-53c9-5a98-93bb-c0a560b3d192"},
                                    {"topic_arn", kTopic},
                                    {"reason", nullptr},
                                    {"algorithm", "SHA1withRSA"},
                                    {"certificate", kAwsCert}}));
  EXPECT_EQ(doc[1]["verified"], false);
  EXPECT_EQ(doc[1]["topic_arn"], kTopic + "-other");
  EXPECT_EQ(doc[1]["reason"], "SNS message c0e5a280-53c9-5a98-93bb-c0a560b3d192 from " + kTopic +
                                  "-other failed the topic check: the topic is not one of the "
                                  "allowed topics");
  EXPECT_EQ(doc[2]["verified"], false);
  EXPECT_EQ(doc[2]["type"], nullptr);
  EXPECT_EQ(doc[2]["message_id"], nullptr);
}

TEST_F(SnsVerifyCli, SyntheticMessagesWithAPreSeededCertificate) {
  const std::string certs = dir_.file("certs");
  std::filesystem::create_directory(certs);
  std::vector<std::string> args = {"sns", "verify", "--cert-dir", certs, "--at", "2024-06-01",
                                   "--max-age", "2000d", kSyntheticDir + "/valid_signature.json"};
  Outcome offline = sgwatch(args);
  EXPECT_EQ(offline.code, 1);
  EXPECT_NE(offline.out.find("failed the certificate check: the certificate "
                             "'SimpleNotificationService-a86cb10b4e1f29c941702d737128f7b6.pem' is "
                             "not in the cache directory"),
            std::string::npos)
      << offline.out;

  // Pre-seeded, the certificate is found; it was re-issued after these messages were
  // signed, so each is refused for that, naming the time it claims.
  std::filesystem::copy_file(
      kSyntheticDir + "/certificate.pem",
      certs + "/SimpleNotificationService-a86cb10b4e1f29c941702d737128f7b6.pem");
  Outcome seeded = sgwatch(args);
  EXPECT_EQ(seeded.code, 1);
  EXPECT_NE(seeded.out.find("valid_signature.json: rejected: SNS message "
                            "abc12345-abc1-abc1-abc1-abc123456789 from "
                            "arn:aws:sns:eu-west-1:111111111111:example-topic failed the "
                            "certificate validity check: the certificate is valid from "
                            "2024-05-15T14:06:54Z to 2025-05-15T14:06:54Z, not at 2020-"),
            std::string::npos)
      << seeded.out;
}

TEST_F(SnsVerifyCli, ReadsStandardInput) {
  std::istringstream input(read(genuine("test-unsubscribe-confirmation.json")));
  std::streambuf* saved = std::cin.rdbuf(input.rdbuf());
  Outcome outcome = sgwatch({"sns", "verify", "--cert-dir", kGenuineDir, "-"});
  std::cin.rdbuf(saved);
  EXPECT_EQ(outcome.code, 0) << outcome.out;
  EXPECT_TRUE(outcome.out.starts_with("-: verified: UnsubscribeConfirmation ")) << outcome.out;
}

TEST_F(SnsVerifyCli, UsageErrors) {
  EXPECT_EQ(sgwatch({"sns", "verify", genuine("test-notification-no-subject.json")}).code, 2);
  EXPECT_EQ(sgwatch({"sns", "verify", "--cert-dir", kGenuineDir}).code, 2);
  EXPECT_EQ(sgwatch({"sns"}).code, 2);
  Outcome bad_at = sgwatch({"sns", "verify", "--cert-dir", kGenuineDir, "--at", "soon",
                            genuine("test-notification-no-subject.json")});
  EXPECT_EQ(bad_at.code, 1);
  EXPECT_TRUE(bad_at.err.starts_with("sgwatch: error: --at: ")) << bad_at.err;
  Outcome bad_age = sgwatch({"sns", "verify", "--cert-dir", kGenuineDir, "--max-age", "60",
                             genuine("test-notification-no-subject.json")});
  EXPECT_EQ(bad_age.code, 1);
  EXPECT_TRUE(bad_age.err.starts_with("sgwatch: error: --max-age: ")) << bad_age.err;
}

// The real binary, through a shell: standard input, stdout and the exit status.
TEST_F(SnsVerifyCli, RealBinary) {
  const std::string command = std::string(SGWATCH_BINARY) + " sns verify --cert-dir '" +
                              kGenuineDir + "' --at 2026-03-06T19:40:00Z - < '" +
                              genuine("test-subscription-confirmation.json") + "' 2>&1";
  std::FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = pclose(pipe);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << output;
  EXPECT_EQ(output, "-: verified: SubscriptionConfirmation f3f2fc87-c426-4c2f-9044-b55890c0939c "
                    "from " + kTopic + ", SHA1withRSA, certificate " + kAwsCert + "\n");

  const std::string tampered_file = tampered("test-subscription-confirmation.json", "Token", "x");
  std::FILE* rejected = popen((std::string(SGWATCH_BINARY) + " sns verify --cert-dir '" +
                               kGenuineDir + "' --at 2026-03-06T19:40:00Z '" + tampered_file +
                               "' >/dev/null 2>&1").c_str(),
                              "r");
  ASSERT_NE(rejected, nullptr);
  const int rejected_status = pclose(rejected);
  ASSERT_TRUE(WIFEXITED(rejected_status));
  EXPECT_EQ(WEXITSTATUS(rejected_status), 1);
}

}  // namespace
}  // namespace sgwatch::sns_verify_cli_test
