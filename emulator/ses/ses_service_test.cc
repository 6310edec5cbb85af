#include "emulator/ses/ses_service.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <string>
#include <vector>

#include <pugixml.hpp>

#include "core/clock.h"
#include "emulator/emulator.h"
#include "emulator/seed.h"
#include "emulator/sigv4_verifier.h"

namespace sgwatch::emulator::ses_service_test {
namespace {

constexpr char kAccount[] = "111122223333";
constexpr char kRegion[] = "us-east-1";

const Timestamp kStart =
    std::chrono::sys_days{std::chrono::year{2024} / 5 / 1} + std::chrono::hours(12);

// Written here, apart from the code under test.
std::string base64(const std::string& data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < data.size(); i += 3) {
    uint32_t chunk = static_cast<uint8_t>(data[i]) << 16;
    if (i + 1 < data.size()) chunk |= static_cast<uint8_t>(data[i + 1]) << 8;
    if (i + 2 < data.size()) chunk |= static_cast<uint8_t>(data[i + 2]);
    out += kAlphabet[(chunk >> 18) & 0x3f];
    out += kAlphabet[(chunk >> 12) & 0x3f];
    out += i + 1 < data.size() ? kAlphabet[(chunk >> 6) & 0x3f] : '=';
    out += i + 2 < data.size() ? kAlphabet[chunk & 0x3f] : '=';
  }
  return out;
}

Caller admin_caller() {
  Caller caller;
  caller.account_id = kAccount;
  caller.arn = "arn:aws:iam::111122223333:user/admin";
  caller.principal_id = "AIDAEXAMPLE";
  caller.access_key_id = "AKIAEMULATORADMIN000";
  caller.type = "IAMUser";
  return caller;
}

struct ErrorParts {
  std::string type, code, message, request_id, xmlns;
};

ErrorParts error_of(const Response& response) {
  pugi::xml_document doc;
  EXPECT_TRUE(doc.load_string(response.body.c_str())) << response.body;
  pugi::xml_node root = doc.child("ErrorResponse");
  pugi::xml_node error = root.child("Error");
  return {error.child_value("Type"), error.child_value("Code"), error.child_value("Message"),
          root.child_value("RequestId"), root.attribute("xmlns").as_string()};
}

std::string raw_mail(const std::string& from = "Alerts <alerts@example.com>",
                     const std::string& to = "ops@example.net") {
  return "From: " + from + "\r\nTo: " + to +
         "\r\nSubject: sg-1 opened\r\nMIME-Version: 1.0\r\n"
         "Content-Type: text/plain; charset=UTF-8\r\n\r\nPort 22 is open to the world.\r\n";
}

class SesServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { ses_.set_identity(kAccount, kRegion, "alerts@example.com"); }

  Response call(Params params, const Caller& caller = admin_caller(),
                const std::string& region = kRegion) {
    params["Version"] = "2010-12-01";
    return ses_.handle(caller, region, params);
  }

  Params raw_email(const std::string& raw, const std::vector<std::string>& destinations,
                   const std::string& source = "") {
    Params params{{"Action", "SendRawEmail"}, {"RawMessage.Data", base64(raw)}};
    if (!source.empty()) params["Source"] = source;
    for (size_t i = 0; i < destinations.size(); ++i) {
      params["Destinations.member." + std::to_string(i + 1)] = destinations[i];
    }
    return params;
  }

  ManualClock clock_{kStart};
  SesService ses_{clock_, 7};
};

TEST_F(SesServiceTest, SendRawEmailKeepsTheMailAndAnswersItsId) {
  // A byte that is not UTF-8 must survive: the message is kept byte for byte.
  const std::string raw = raw_mail() + "caf\xe9\r\n";
  Response response = call(raw_email(raw, {"ops@example.net", "Lead <lead@example.net>"},
                                     "alerts@example.com"));
  ASSERT_EQ(response.status, 200) << response.body;

  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(response.body.c_str()));
  pugi::xml_node root = doc.child("SendRawEmailResponse");
  EXPECT_STREQ(root.attribute("xmlns").as_string(), "http://ses.amazonaws.com/doc/2010-12-01/");
  const std::string id = root.child("SendRawEmailResult").child_value("MessageId");
  EXPECT_FALSE(std::string(root.child("ResponseMetadata").child_value("RequestId")).empty());

  auto messages = ses_.messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].message_id, id);
  EXPECT_TRUE(id.ends_with("-000000")) << id;
  EXPECT_EQ(messages[0].account_id, kAccount);
  EXPECT_EQ(messages[0].region, kRegion);
  EXPECT_EQ(messages[0].action, "SendRawEmail");
  EXPECT_EQ(messages[0].source, "alerts@example.com");
  EXPECT_EQ(messages[0].destinations,
            (std::vector<std::string>{"ops@example.net", "lead@example.net"}));
  EXPECT_EQ(messages[0].raw, raw);
  EXPECT_EQ(messages[0].sent_at, kStart);
}

TEST_F(SesServiceTest, WithoutSourceOrDestinationsTheHeadersDecide) {
  const std::string raw =
      "From: \"Alerts, sgwatch\" <alerts@example.com>\r\nTo: a@example.net,\r\n b@example.net\r\n"
      "Cc: C <c@example.net>\r\nBcc: d@example.net\r\nSubject: x\r\n\r\nTo: not@example.net\r\n";
  ASSERT_EQ(call(raw_email(raw, {})).status, 200);
  auto messages = ses_.messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].source, "alerts@example.com");
  EXPECT_EQ(messages[0].destinations,
            (std::vector<std::string>{"a@example.net", "b@example.net", "c@example.net",
                                      "d@example.net"}));

  ErrorParts no_from = error_of(call(raw_email("To: a@example.net\r\n\r\nhi", {})));
  EXPECT_EQ(no_from.code, "InvalidParameterValue");
  EXPECT_EQ(no_from.message, "Missing required header 'From'.");
  ErrorParts no_to = error_of(call(raw_email("From: alerts@example.com\r\n\r\nhi", {})));
  EXPECT_EQ(no_to.code, "InvalidParameterValue");
  EXPECT_EQ(no_to.message, "Missing required header 'To'.");
}

TEST_F(SesServiceTest, AtMostFiftyRecipients) {
  std::vector<std::string> fifty;
  for (int i = 0; i < 50; ++i) fifty.push_back("r" + std::to_string(i) + "@example.net");
  EXPECT_EQ(call(raw_email(raw_mail(), fifty, "alerts@example.com")).status, 200);

  fifty.push_back("one-more@example.net");
  Response refused = call(raw_email(raw_mail(), fifty, "alerts@example.com"));
  EXPECT_EQ(refused.status, 400);
  ErrorParts error = error_of(refused);
  EXPECT_EQ(error.type, "Sender");
  EXPECT_EQ(error.code, "InvalidParameterValue");
  EXPECT_EQ(error.message, "Recipient count exceeds 50.");
  EXPECT_EQ(ses_.messages().size(), 1u);
}

TEST_F(SesServiceTest, TheSenderMustBeVerifiedInTheCallersAccountAndRegion) {
  Response refused = call(raw_email(raw_mail("x@unverified.example"), {"ops@example.net"},
                                    "x@unverified.example"));
  EXPECT_EQ(refused.status, 400);
  ErrorParts error = error_of(refused);
  EXPECT_EQ(error.type, "Sender");
  EXPECT_EQ(error.code, "MessageRejected");
  EXPECT_EQ(error.message,
            "Email address is not verified. The following identities failed the check in "
            "region US-EAST-1: x@unverified.example");
  EXPECT_EQ(error.xmlns, "http://ses.amazonaws.com/doc/2010-12-01/");
  EXPECT_FALSE(error.request_id.empty());

  // From the From header when there is no Source.
  EXPECT_EQ(error_of(call(raw_email(raw_mail("x@unverified.example"), {"ops@example.net"})))
                .code,
            "MessageRejected");
  // The same address in another region, or another account, is another identity.
  EXPECT_EQ(error_of(call(raw_email(raw_mail(), {"o@example.net"}, "alerts@example.com"),
                          admin_caller(), "eu-west-1"))
                .code,
            "MessageRejected");
  Caller stranger = admin_caller();
  stranger.account_id = "444455556666";
  EXPECT_EQ(error_of(call(raw_email(raw_mail(), {"o@example.net"}, "alerts@example.com"),
                          stranger))
                .code,
            "MessageRejected");
  // A pending identity does not let mail through; a verified domain covers its addresses,
  // whatever the case of the domain.
  ses_.set_identity(kAccount, kRegion, "pending@example.org", SesVerification::kPending);
  EXPECT_EQ(error_of(call(raw_email(raw_mail(), {"o@example.net"}, "pending@example.org")))
                .code,
            "MessageRejected");
  ses_.set_identity(kAccount, kRegion, "Example.ORG");
  EXPECT_EQ(call(raw_email(raw_mail(), {"o@example.net"}, "pending@EXAMPLE.org")).status, 200);
  // The local part is case-sensitive.
  EXPECT_EQ(error_of(call(raw_email(raw_mail(), {"o@example.net"}, "Alerts@example.com"))).code,
            "MessageRejected");
  EXPECT_EQ(ses_.messages().size(), 1u);
}

TEST_F(SesServiceTest, BadParameters) {
  Params garbled{{"Action", "SendRawEmail"}, {"RawMessage.Data", "no t base64"}};
  EXPECT_EQ(error_of(call(garbled)).code, "InvalidParameterValue");
  EXPECT_EQ(error_of(call({{"Action", "SendRawEmail"}})).code, "ValidationError");
  EXPECT_EQ(error_of(call(raw_email(raw_mail(), {"not-an-address"}, "alerts@example.com")))
                .message,
            "Missing final '@domain'");
  Response unknown = call({{"Action", "DeleteIdentity"}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(error_of(unknown).code, "InvalidAction");
}

TEST_F(SesServiceTest, SendEmailBuildsTheMessage) {
  Params params{{"Action", "SendEmail"},
                {"Source", "alerts@example.com"},
                {"Destination.ToAddresses.member.1", "a@example.net"},
                {"Destination.CcAddresses.member.1", "c@example.net"},
                {"Destination.BccAddresses.member.1", "hidden@example.net"},
                {"Message.Subject.Data", "sg-1 opened"},
                {"Message.Body.Text.Data", "Port 22 is open."},
                {"Message.Body.Html.Data", "<p>Port 22 is open.</p>"}};
  Response response = call(params);
  ASSERT_EQ(response.status, 200) << response.body;
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(response.body.c_str()));
  EXPECT_FALSE(std::string(doc.child("SendEmailResponse")
                               .child("SendEmailResult")
                               .child_value("MessageId"))
                   .empty());

  auto messages = ses_.messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].action, "SendEmail");
  EXPECT_EQ(messages[0].destinations,
            (std::vector<std::string>{"a@example.net", "c@example.net", "hidden@example.net"}));
  const std::string& raw = messages[0].raw;
  EXPECT_TRUE(raw.starts_with("From: alerts@example.com\r\nTo: a@example.net\r\n"
                              "Cc: c@example.net\r\nSubject: sg-1 opened\r\n"))
      << raw;
  EXPECT_EQ(raw.find("hidden@example.net"), std::string::npos);
  EXPECT_NE(raw.find("multipart/alternative"), std::string::npos);
  EXPECT_NE(raw.find("Port 22 is open."), std::string::npos);
  EXPECT_NE(raw.find("<p>Port 22 is open.</p>"), std::string::npos);

  params["Source"] = "other@unverified.example";
  EXPECT_EQ(error_of(call(params)).code, "MessageRejected");
}

TEST_F(SesServiceTest, ConfigurationSetsPausesAndPermissions) {
  Params params = raw_email(raw_mail(), {"ops@example.net"}, "alerts@example.com");
  params["ConfigurationSetName"] = "alerts";
  ErrorParts unknown_set = error_of(call(params));
  EXPECT_EQ(unknown_set.code, "ConfigurationSetDoesNotExist");
  EXPECT_NE(unknown_set.message.find("alerts"), std::string::npos);

  ses_.add_configuration_set(kAccount, kRegion, "alerts");
  ASSERT_EQ(call(params).status, 200);
  EXPECT_EQ(ses_.messages().back().configuration_set, "alerts");

  ses_.set_sending_paused(kAccount, kRegion, true);
  EXPECT_EQ(error_of(call(params)).code, "AccountSendingPausedException");
  ses_.set_sending_paused(kAccount, kRegion, false);
  EXPECT_EQ(call(params).status, 200);

  Caller denied = admin_caller();
  denied.denied = {"ses:SendRawEmail"};
  Response refused = call(params, denied);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(error_of(refused).code, "AccessDenied");
  EXPECT_EQ(ses_.messages().size(), 2u);
}

TEST_F(SesServiceTest, VerifyAndReadIdentities) {
  ASSERT_EQ(call({{"Action", "VerifyEmailIdentity"}, {"EmailAddress", "ops@example.net"}}).status,
            200);
  Response domain = call({{"Action", "VerifyDomainIdentity"}, {"Domain", "example.org"}});
  ASSERT_EQ(domain.status, 200);
  pugi::xml_document domain_doc;
  ASSERT_TRUE(domain_doc.load_string(domain.body.c_str()));
  const std::string token = domain_doc.child("VerifyDomainIdentityResponse")
                                .child("VerifyDomainIdentityResult")
                                .child_value("VerificationToken");
  EXPECT_EQ(token.size(), 44u) << token;
  ses_.set_identity(kAccount, kRegion, "later@example.net", SesVerification::kPending);
  EXPECT_EQ(ses_.identity_status(kAccount, kRegion, "ops@example.net"), SesVerification::kSuccess);

  Response attributes = call({{"Action", "GetIdentityVerificationAttributes"},
                              {"Identities.member.1", "ops@example.net"},
                              {"Identities.member.2", "nobody@example.net"},
                              {"Identities.member.3", "example.org"},
                              {"Identities.member.4", "later@example.net"}});
  ASSERT_EQ(attributes.status, 200);
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(attributes.body.c_str()));
  std::map<std::string, std::pair<std::string, std::string>> entries;
  for (pugi::xml_node entry : doc.child("GetIdentityVerificationAttributesResponse")
                                  .child("GetIdentityVerificationAttributesResult")
                                  .child("VerificationAttributes")
                                  .children("entry")) {
    pugi::xml_node value = entry.child("value");
    entries[entry.child_value("key")] = {value.child_value("VerificationStatus"),
                                         value.child_value("VerificationToken")};
  }
  EXPECT_EQ(entries, (std::map<std::string, std::pair<std::string, std::string>>{
                         {"ops@example.net", {"Success", ""}},
                         {"example.org", {"Success", token}},
                         {"later@example.net", {"Pending", ""}}}));

  auto listed = [&](Params params) {
    pugi::xml_document list;
    Response response = call(std::move(params));
    EXPECT_TRUE(list.load_string(response.body.c_str()));
    pugi::xml_node result = list.child("ListIdentitiesResponse").child("ListIdentitiesResult");
    std::vector<std::string> names;
    for (pugi::xml_node member : result.child("Identities").children("member")) {
      names.push_back(member.child_value());
    }
    return std::make_pair(names, std::string(result.child_value("NextToken")));
  };
  EXPECT_EQ(listed({{"Action", "ListIdentities"}}).first,
            (std::vector<std::string>{"alerts@example.com", "example.org", "later@example.net",
                                      "ops@example.net"}));
  EXPECT_EQ(listed({{"Action", "ListIdentities"}, {"IdentityType", "Domain"}}).first,
            (std::vector<std::string>{"example.org"}));
  auto first = listed({{"Action", "ListIdentities"}, {"IdentityType", "EmailAddress"},
                       {"MaxItems", "2"}});
  EXPECT_EQ(first.first, (std::vector<std::string>{"alerts@example.com", "later@example.net"}));
  ASSERT_FALSE(first.second.empty());
  auto second = listed({{"Action", "ListIdentities"}, {"IdentityType", "EmailAddress"},
                        {"MaxItems", "2"}, {"NextToken", first.second}});
  EXPECT_EQ(second.first, (std::vector<std::string>{"ops@example.net"}));
  EXPECT_TRUE(second.second.empty());

  EXPECT_EQ(error_of(call({{"Action", "VerifyEmailIdentity"}, {"EmailAddress", "nobody"}})).code,
            "InvalidParameterValue");
}

TEST_F(SesServiceTest, MessagesAsJsonAndCleared) {
  const std::string raw = raw_mail() + "caf\xe9";
  ASSERT_EQ(call(raw_email(raw, {"ops@example.net"}, "alerts@example.com")).status, 200);
  nlohmann::json json = nlohmann::json::parse(ses_.messages_json());
  ASSERT_EQ(json["messages"].size(), 1u);
  const auto& message = json["messages"][0];
  EXPECT_EQ(message["account"], kAccount);
  EXPECT_EQ(message["region"], kRegion);
  EXPECT_EQ(message["source"], "alerts@example.com");
  EXPECT_EQ(message["destinations"], nlohmann::json::array({"ops@example.net"}));
  EXPECT_EQ(message["message_id"], ses_.messages()[0].message_id);
  EXPECT_EQ(message["timestamp"], "2024-05-01T12:00:00Z");
  EXPECT_EQ(message["raw_message"], raw_mail() + "caf\xef\xbf\xbd");  // U+FFFD
  ses_.clear_messages();
  EXPECT_TRUE(ses_.messages().empty());
}

// --- Through the emulator: signatures, faults, the admin endpoint, the seed. ---

class SesEmulatorTest : public ::testing::Test {
 protected:
  static constexpr char kDate[] = "20240501";
  static constexpr char kTime[] = "20240501T120000Z";

  void SetUp() override {
    auto started = Emulator::start(EmulatorOptions{}, clock_);
    ASSERT_TRUE(started) << started.error();
    emulator_ = std::move(*started);
    auto seeded = apply_seed(*emulator_, default_seed());
    ASSERT_TRUE(seeded) << seeded.error();
  }

  Request signed_call(const std::string& body, const std::string& region = kRegion,
                      const std::string& access_key = "AKIAEMULATORADMIN000",
                      const std::string& secret = "emulator-admin-secret",
                      const std::string& token = "") {
    Request request;
    request.method = "POST";
    request.path = "/";
    request.raw_path = "/";
    request.headers = {{"Host", "127.0.0.1"},
                       {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                       {"X-Amz-Date", kTime}};
    std::vector<std::string> signed_headers = {"content-type", "host", "x-amz-date"};
    if (!token.empty()) {
      request.headers.emplace_back("X-Amz-Security-Token", token);
      signed_headers.push_back("x-amz-security-token");
    }
    request.body = body;
    const CredentialScope scope{kDate, region, "ses"};
    const std::string to_sign =
        string_to_sign(kTime, scope, canonical_request(request, signed_headers));
    std::string names;
    for (const std::string& name : signed_headers) names += (names.empty() ? "" : ";") + name;
    request.headers.emplace_back(
        "Authorization", "AWS4-HMAC-SHA256 Credential=" + access_key + "/" + scope.to_string() +
                             ", SignedHeaders=" + names +
                             ", Signature=" + signature(secret, scope, to_sign));
    return request;
  }

  static std::string send_body() {
    return "Action=SendRawEmail&Version=2010-12-01&Source=alerts%40example.com"
           "&Destinations.member.1=ops%40example.net&RawMessage.Data=" +
           httplib::detail::encode_query_param(base64(raw_mail()));
  }

  ManualClock clock_{kStart};
  std::unique_ptr<Emulator> emulator_;
};

TEST_F(SesEmulatorTest, ServesSignedCallsAndCountsThem) {
  Response sent = emulator_->handle(signed_call(send_body()));
  ASSERT_EQ(sent.status, 200) << sent.body;
  ASSERT_EQ(emulator_->ses().messages().size(), 1u);
  EXPECT_EQ(emulator_->ses().messages()[0].raw, raw_mail());
  EXPECT_EQ(emulator_->calls().calls("ses", "SendRawEmail"), 1u);

  // The seed verified the address in eu-west-1 too; a region the emulator does not serve
  // is refused in SES's words.
  EXPECT_EQ(emulator_->handle(signed_call(send_body(), "eu-west-1")).status, 200);
  Response elsewhere = emulator_->handle(signed_call(send_body(), "ap-south-1"));
  EXPECT_EQ(elsewhere.status, 403);
  EXPECT_EQ(error_of(elsewhere).xmlns, "http://ses.amazonaws.com/doc/2010-12-01/");
}

TEST_F(SesEmulatorTest, AuthenticationFailuresAreSesShaped) {
  auto expect = [](const Response& response, int status, const std::string& code) {
    EXPECT_EQ(response.status, status) << response.body;
    ErrorParts error = error_of(response);
    EXPECT_EQ(error.code, code);
    EXPECT_EQ(error.xmlns, "http://ses.amazonaws.com/doc/2010-12-01/");
    EXPECT_EQ(error.type, "Sender");
  };
  expect(emulator_->handle(signed_call(send_body(), kRegion, "AKIAUNKNOWN000000000", "x")), 403,
         "InvalidClientTokenId");
  expect(emulator_->handle(
             signed_call(send_body(), kRegion, "AKIAEMULATORADMIN000", "wrong-secret")),
         403, "SignatureDoesNotMatch");

  Request unsigned_call = signed_call(send_body());
  std::erase_if(unsigned_call.headers, [](const auto& h) { return h.first == "Authorization"; });
  expect(emulator_->handle(unsigned_call), 403, "MissingAuthenticationToken");

  // A session that has ended.
  Caller admin = *emulator_->identities().caller_for("AKIAEMULATORADMIN000", "");
  auto session = emulator_->identities().assume_role(
      admin, "arn:aws:iam::111122223333:role/sgwatch-reader", "ses-test", "sgwatch",
      std::chrono::hours(1));
  ASSERT_TRUE(session);
  const Credentials& temporary = session->first;
  EXPECT_EQ(emulator_->handle(signed_call(send_body(), kRegion, temporary.access_key_id,
                                          temporary.secret_access_key,
                                          temporary.session_token))
                .status,
            200);
  emulator_->identities().expire_sessions();
  expect(emulator_->handle(signed_call(send_body(), kRegion, temporary.access_key_id,
                                       temporary.secret_access_key, temporary.session_token)),
         403, "ExpiredToken");
  EXPECT_EQ(emulator_->ses().messages().size(), 1u);
}

TEST_F(SesEmulatorTest, InjectedFaultsAreSesShaped) {
  emulator_->faults().add(FaultRule{FaultKind::kThrottle, "ses", "SendRawEmail", 0, 1, 1, {}});
  Response throttled = emulator_->handle(signed_call(send_body()));
  EXPECT_EQ(throttled.status, 400);
  ErrorParts throttle = error_of(throttled);
  EXPECT_EQ(throttle.code, "Throttling");
  EXPECT_EQ(throttle.message, "Maximum sending rate exceeded.");
  EXPECT_EQ(throttle.xmlns, "http://ses.amazonaws.com/doc/2010-12-01/");

  emulator_->faults().add(FaultRule{FaultKind::kServerError, "ses", "", 0, 1, 1, {}});
  Response failed = emulator_->handle(signed_call(send_body()));
  EXPECT_EQ(failed.status, 500);
  ErrorParts server = error_of(failed);
  EXPECT_EQ(server.code, "InternalFailure");
  EXPECT_EQ(server.type, "Receiver");
  EXPECT_EQ(server.xmlns, "http://ses.amazonaws.com/doc/2010-12-01/");

  EXPECT_EQ(emulator_->handle(signed_call(send_body())).status, 200);
  EXPECT_EQ(emulator_->ses().messages().size(), 1u);
  EXPECT_EQ(emulator_->calls().calls("ses", "SendRawEmail"), 3u);
}

TEST_F(SesEmulatorTest, AdminEndpointListsAndClearsMail) {
  ASSERT_EQ(emulator_->handle(signed_call(send_body())).status, 200);
  httplib::Client client("127.0.0.1", emulator_->port());
  auto listed = client.Get("/_emulator/ses/messages");
  ASSERT_TRUE(listed) << httplib::to_string(listed.error());
  EXPECT_EQ(listed->status, 200);
  nlohmann::json json = nlohmann::json::parse(listed->body);
  ASSERT_EQ(json["messages"].size(), 1u);
  EXPECT_EQ(json["messages"][0]["raw_message"], raw_mail());
  EXPECT_EQ(json["messages"][0]["source"], "alerts@example.com");
  EXPECT_EQ(json["messages"][0]["destinations"], nlohmann::json::array({"ops@example.net"}));
  EXPECT_EQ(json["messages"][0]["account"], kAccount);
  EXPECT_EQ(json["messages"][0]["region"], kRegion);

  auto cleared = client.Delete("/_emulator/ses/messages");
  ASSERT_TRUE(cleared);
  EXPECT_EQ(cleared->status, 200);
  EXPECT_TRUE(emulator_->ses().messages().empty());
  EXPECT_EQ(client.Post("/_emulator/ses/messages", "", "application/json")->status, 404);
}

TEST_F(SesEmulatorTest, SeedSetsIdentitiesAndConfigurationSets) {
  EXPECT_EQ(emulator_->ses().identity_status(kAccount, "us-east-1", "alerts@example.com"),
            SesVerification::kSuccess);
  EXPECT_EQ(emulator_->ses().identity_status(kAccount, "eu-west-1", "alerts@example.com"),
            SesVerification::kSuccess);

  auto seeded = apply_seed(*emulator_, nlohmann::json::parse(R"({"accounts": [{
      "id": "444455556666",
      "ses": {"identities": [{"region": "us-east-1", "identity": "wait@example.org",
                              "status": "Pending"},
                             {"region": "us-east-1", "identity": "example.org"}],
              "configuration_sets": [{"region": "us-east-1", "name": "alerts"}]}}]})"));
  ASSERT_TRUE(seeded) << seeded.error();
  EXPECT_EQ(emulator_->ses().identity_status("444455556666", "us-east-1", "wait@example.org"),
            SesVerification::kPending);
  EXPECT_EQ(emulator_->ses().identity_status("444455556666", "us-east-1", "example.org"),
            SesVerification::kSuccess);

  auto bad = apply_seed(*emulator_, nlohmann::json::parse(R"({"accounts": [{
      "id": "444455556666",
      "ses": {"identities": [{"region": "us-east-1", "identity": "x@example.org",
                              "status": "Verified"}]}}]})"));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("accounts[0].ses.identities[0].status"), std::string::npos)
      << bad.error();
}

}  // namespace
}  // namespace sgwatch::emulator::ses_service_test
