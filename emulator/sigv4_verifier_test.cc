#include "emulator/sigv4_verifier.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sgwatch::emulator::sigv4_verifier_test {
namespace {

using namespace std::chrono_literals;
using Kind = SignatureFailureKind;

const std::string kSuiteDir = std::string(SGWATCH_TEST_DATA_DIR) + "/sigv4/aws4_testsuite";
constexpr const char* kAccessKey = "AKIDEXAMPLE";
constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const std::chrono::sys_seconds kSuiteTime =
    std::chrono::sys_days{std::chrono::year{2015} / 8 / 30} + 12h + 36min;

// Every case of the suite. None is skipped: botocore's driver leaves out get-space (its HTTP
// parser rejects the request line) and the repeated-key query cases (its signer keeps
// parameters in a dict); the emulator handles both.
const std::vector<std::string> kSuiteCases = {
    "get-header-key-duplicate", "get-header-value-multiline", "get-header-value-order",
    "get-header-value-trim", "get-unreserved", "get-utf8", "get-vanilla",
    "get-vanilla-empty-query-key", "get-vanilla-query", "get-vanilla-query-order-encoded",
    "get-vanilla-query-order-key", "get-vanilla-query-order-key-case",
    "get-vanilla-query-order-value", "get-vanilla-query-unreserved", "get-vanilla-utf8-query",
    "get-vanilla-with-session-token", "normalize-path/get-relative",
    "normalize-path/get-relative-relative", "normalize-path/get-slash",
    "normalize-path/get-slash-dot-slash", "normalize-path/get-slash-pointless-dot",
    "normalize-path/get-slashes", "normalize-path/get-space",
    "normalize-path/get-special-character", "post-header-key-case", "post-header-key-sort",
    "post-header-value-case", "post-sts-token/post-sts-header-after",
    "post-sts-token/post-sts-header-before", "post-vanilla", "post-vanilla-empty-query-value",
    "post-vanilla-query", "post-x-www-form-urlencoded", "post-x-www-form-urlencoded-parameters",
};

// This case's .sreq carries get-vanilla's signature rather than the one in its own .authz
// (which the .creq and .sts support), so a verifier must refuse the .sreq as it stands.
constexpr const char* kCaseWithStaleSreq = "get-vanilla-with-session-token";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot read " << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Reads raw HTTP/1.1 text, with CRLF or (as the suite has it) LF line ends: the request
// target may hold spaces (get-space), and a line starting with white space continues the
// previous header (an obsolete fold).
Request parse_http(const std::string& text) {
  const bool crlf = text.find("\r\n") != std::string::npos;
  const std::string separator = crlf ? "\r\n\r\n" : "\n\n";
  const size_t blank = text.find(separator);
  std::string head = text.substr(0, blank);
  std::erase(head, '\r');
  Request request;
  if (blank != std::string::npos) request.body = text.substr(blank + separator.size());

  std::istringstream lines(head);
  std::string line;
  std::getline(lines, line);
  const size_t first = line.find(' ');
  const size_t last = line.rfind(' ');
  request.method = line.substr(0, first);
  const std::string target = line.substr(first + 1, last - first - 1);
  const size_t question = target.find('?');
  request.raw_path = target.substr(0, question);
  request.path = request.raw_path;
  request.query = question == std::string::npos ? "" : target.substr(question + 1);
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    if ((line[0] == ' ' || line[0] == '\t') && !request.headers.empty()) {
      request.headers.back().second += " " + std::string(trim(line));
      continue;
    }
    const size_t colon = line.find(':');
    request.headers.emplace_back(line.substr(0, colon),
                                 std::string(trim(std::string_view(line).substr(colon + 1))));
  }
  return request;
}

struct SuiteCase {
  std::string canonical_request, string_to_sign, authorization;
  Request request;         // from .req
  Request signed_request;  // from .sreq
};

SuiteCase load_case(const std::string& name) {
  const std::string base = kSuiteDir + "/" + name + "/" + name.substr(name.rfind('/') + 1);
  auto text = [&](const char* extension) {
    std::string content = read_file(base + extension);
    std::erase(content, '\r');
    return content;
  };
  SuiteCase c{text(".creq"), text(".sts"), text(".authz"), parse_http(text(".req")),
              parse_http(text(".sreq"))};
  // The suite's readme (post-sts-token/readme.txt): the signer adds X-Amz-Security-Token,
  // so the .req of the session-token cases lacks it; the .sreq shows it.
  const std::string token = c.signed_request.header("X-Amz-Security-Token");
  if (!token.empty() && c.request.header("X-Amz-Security-Token").empty()) {
    c.request.headers.emplace_back("X-Amz-Security-Token", token);
  }
  return c;
}

std::optional<std::string> suite_secret(const std::string& access_key_id) {
  if (access_key_id == kAccessKey) return kSecret;
  return std::nullopt;
}

tl::expected<VerifiedSignature, SignatureFailure> verify(
    const Request& request, std::chrono::system_clock::time_point now = kSuiteTime,
    const SecretLookup& lookup = suite_secret, const VerifyOptions& options = {}) {
  return verify_sigv4(request, lookup, now, options);
}

Request without_authorization(Request request) {
  std::erase_if(request.headers, [](const auto& h) { return h.first == "Authorization"; });
  return request;
}

void set_header(Request& request, const std::string& name, const std::string& value) {
  for (auto& [key, current] : request.headers) {
    if (key == name) {
      current = value;
      return;
    }
  }
  request.headers.emplace_back(name, value);
}

// Signs with the pieces the suite checks, to build requests that are right in every
// respect but the one a test is about.
void sign(Request& request, const std::vector<std::string>& signed_headers,
          const CredentialScope& scope, std::string_view request_time,
          std::string_view secret = kSecret) {
  const std::string sts =
      string_to_sign(request_time, scope, canonical_request(request, signed_headers));
  std::string list;
  for (const auto& name : signed_headers) list += (list.empty() ? "" : ";") + name;
  set_header(request, "Authorization",
             "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/" + scope.to_string() +
                 ", SignedHeaders=" + list + ", Signature=" + signature(secret, scope, sts));
}

const CredentialScope kSuiteScope{"20150830", "us-east-1", "service"};

class SigV4Suite : public ::testing::TestWithParam<std::string> {};

TEST_P(SigV4Suite, ComputesTheCanonicalRequestStringToSignAndSignature) {
  const SuiteCase c = load_case(GetParam());
  auto auth = parse_authorization(c.authorization);
  ASSERT_TRUE(auth) << auth.error().message;
  EXPECT_EQ(auth->access_key_id, kAccessKey);
  EXPECT_EQ(auth->scope.to_string(), kSuiteScope.to_string());

  const std::string creq = canonical_request(c.request, auth->signed_headers);
  EXPECT_EQ(creq, c.canonical_request);
  const std::string sts = string_to_sign(c.request.header("X-Amz-Date"), auth->scope, creq);
  EXPECT_EQ(sts, c.string_to_sign);
  EXPECT_EQ(signature(kSecret, auth->scope, sts), auth->signature);
}

TEST_P(SigV4Suite, AcceptsTheRequestWithTheSuitesAuthorization) {
  SuiteCase c = load_case(GetParam());
  c.request.headers.emplace_back("Authorization", c.authorization);
  auto verified = verify(c.request);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(verified->access_key_id, kAccessKey);
  EXPECT_EQ(verified->date, "20150830");
  EXPECT_EQ(verified->region, "us-east-1");
  EXPECT_EQ(verified->service, "service");
  EXPECT_EQ(verified->request_time, kSuiteTime);
}

TEST_P(SigV4Suite, VerifiesTheSignedRequest) {
  const SuiteCase c = load_case(GetParam());
  auto verified = verify(c.signed_request);
  if (GetParam() == kCaseWithStaleSreq) {
    ASSERT_FALSE(verified);
    EXPECT_EQ(verified.error().kind, Kind::kSignatureMismatch);
    return;
  }
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(verified->access_key_id, kAccessKey);
}

INSTANTIATE_TEST_SUITE_P(SigV4Aws4TestSuite, SigV4Suite, ::testing::ValuesIn(kSuiteCases),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace_if(
                               name.begin(), name.end(),
                               [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); },
                               '_');
                           return name;
                         });

TEST(SigV4SuiteCoverage, EveryCaseOnDiskIsListed) {
  std::vector<std::string> on_disk;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kSuiteDir)) {
    if (entry.path().extension() == ".req") {
      on_disk.push_back(
          std::filesystem::relative(entry.path().parent_path(), kSuiteDir).generic_string());
    }
  }
  std::sort(on_disk.begin(), on_disk.end());
  std::vector<std::string> listed = kSuiteCases;
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(on_disk, listed);
}

// The rest start from a POST with a form body, signed by the suite (not by this code).
class SigV4Verify : public ::testing::Test {
 protected:
  Request base_ = load_case("post-x-www-form-urlencoded").signed_request;
};

TEST_F(SigV4Verify, IgnoresUnsignedHeaders) {
  ASSERT_TRUE(verify(base_));
  base_.headers.emplace_back("User-Agent", "aws-cli/2.9.19");
  base_.headers.emplace_back("My-Header1", "not signed");
  EXPECT_TRUE(verify(base_));
}

TEST_F(SigV4Verify, RejectsAWrongSecret) {
  auto wrong = [](const std::string&) -> std::optional<std::string> { return "not-the-secret"; };
  auto result = verify(base_, kSuiteTime, wrong);
  ASSERT_FALSE(result);
  const SignatureFailure& failure = result.error();
  EXPECT_EQ(failure.kind, Kind::kSignatureMismatch);
  // What the verifier computed is still the suite's canonical request.
  EXPECT_EQ(failure.canonical_request,
            load_case("post-x-www-form-urlencoded").canonical_request);

  AuthError ec2 = auth_error(failure, AuthErrorDialect::kEc2);
  EXPECT_EQ(ec2.status, 401);
  EXPECT_EQ(ec2.code, "AuthFailure");
  EXPECT_EQ(ec2.message, "AWS was not able to validate the provided access credentials");
  AuthError query = auth_error(failure, AuthErrorDialect::kQuery);
  EXPECT_EQ(query.status, 403);
  EXPECT_EQ(query.code, "SignatureDoesNotMatch");
  EXPECT_TRUE(query.message.starts_with("The request signature we calculated does not match"));
  EXPECT_NE(query.message.find(failure.canonical_request), std::string::npos);
  EXPECT_NE(query.message.find(failure.string_to_sign), std::string::npos);
  EXPECT_EQ(auth_error(failure, AuthErrorDialect::kJson).code, "InvalidSignatureException");
}

TEST_F(SigV4Verify, RejectsAnUnknownAccessKey) {
  auto nobody = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  auto result = verify(base_, kSuiteTime, nobody);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, Kind::kUnknownAccessKey);
  AuthError ec2 = auth_error(result.error(), AuthErrorDialect::kEc2);
  EXPECT_EQ(ec2.status, 401);
  EXPECT_EQ(ec2.code, "AuthFailure");
  EXPECT_EQ(ec2.message, "AWS was not able to validate the provided access credentials");
  AuthError query = auth_error(result.error(), AuthErrorDialect::kQuery);
  EXPECT_EQ(query.status, 403);
  EXPECT_EQ(query.code, "InvalidClientTokenId");
  EXPECT_EQ(auth_error(result.error(), AuthErrorDialect::kJson).code,
            "UnrecognizedClientException");
}

TEST_F(SigV4Verify, RejectsATamperedSignedHeader) {
  set_header(base_, "Content-Type", "application/json");
  auto result = verify(base_);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, Kind::kSignatureMismatch);
  EXPECT_EQ(auth_error(result.error(), AuthErrorDialect::kQuery).code, "SignatureDoesNotMatch");
}

TEST_F(SigV4Verify, RejectsATamperedBody) {
  base_.body = "Param1=value2";
  auto result = verify(base_);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, Kind::kSignatureMismatch);
}

TEST_F(SigV4Verify, RejectsATamperedMethodPathOrQuery) {
  Request method = base_;
  method.method = "PUT";
  Request path = base_;
  path.raw_path = "/other";
  Request query = base_;
  query.query = "Param1=value1";
  Request host = base_;
  set_header(host, "Host", "elsewhere.amazonaws.com");
  for (const Request& tampered : {method, path, query, host}) {
    auto result = verify(tampered);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, Kind::kSignatureMismatch);
  }
}

TEST_F(SigV4Verify, ComparesTheSignatureExactly) {
  std::string authorization = base_.header("Authorization");
  const size_t at = authorization.find("Signature=") + 10;
  std::transform(authorization.begin() + static_cast<std::ptrdiff_t>(at), authorization.end(),
                 authorization.begin() + static_cast<std::ptrdiff_t>(at),
                 [](char c) { return static_cast<char>(std::toupper(c)); });
  Request upper = base_;
  set_header(upper, "Authorization", authorization);
  Request truncated = base_;
  set_header(truncated, "Authorization", base_.header("Authorization").substr(0, at + 63));
  for (const Request& request : {upper, truncated}) {
    auto result = verify(request);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, Kind::kSignatureMismatch);
  }
}

TEST(SigV4Host, MustBeSigned) {
  Request request = load_case("get-vanilla").request;
  sign(request, {"x-amz-date"}, kSuiteScope, "20150830T123600Z");
  auto result = verify(request);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, Kind::kIncompleteSignature);
  EXPECT_EQ(result.error().message,
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  for (AuthErrorDialect dialect : {AuthErrorDialect::kQuery, AuthErrorDialect::kEc2}) {
    EXPECT_EQ(auth_error(result.error(), dialect).code, "IncompleteSignature");
    EXPECT_EQ(auth_error(result.error(), dialect).status, 400);
  }
  // Signed the same way but with Host, the request passes.
  sign(request, {"host", "x-amz-date"}, kSuiteScope, "20150830T123600Z");
  EXPECT_TRUE(verify(request));
}

TEST_F(SigV4Verify, RejectsAStaleRequest) {
  auto result = verify(base_, kSuiteTime + 6min);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, Kind::kRequestExpired);
  EXPECT_EQ(result.error().message,
            "Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z "
            "(20150830T124200Z - 5 min.)");
  AuthError ec2 = auth_error(result.error(), AuthErrorDialect::kEc2);
  EXPECT_EQ(ec2.status, 400);
  EXPECT_EQ(ec2.code, "RequestExpired");
  EXPECT_EQ(ec2.message, "Request has expired.");
  EXPECT_EQ(auth_error(result.error(), AuthErrorDialect::kQuery).code, "SignatureDoesNotMatch");

  EXPECT_TRUE(verify(base_, kSuiteTime + 5min));
  EXPECT_FALSE(verify(base_, kSuiteTime + 5min + 1ms));
  EXPECT_TRUE(verify(base_, kSuiteTime + 6min, suite_secret, VerifyOptions{15min}));
}

TEST_F(SigV4Verify, RejectsARequestFromTheFuture) {
  auto result = verify(base_, kSuiteTime - 6min);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, Kind::kRequestNotYetValid);
  EXPECT_EQ(result.error().message,
            "Signature not yet current: 20150830T123600Z is still later than 20150830T123500Z "
            "(20150830T123000Z + 5 min.)");
  EXPECT_EQ(auth_error(result.error(), AuthErrorDialect::kEc2).code, "RequestExpired");
  EXPECT_EQ(auth_error(result.error(), AuthErrorDialect::kQuery).code, "SignatureDoesNotMatch");
  EXPECT_TRUE(verify(base_, kSuiteTime - 5min));
}

TEST_F(SigV4Verify, RejectsAScopeDateOtherThanTheRequestDate) {
  Request request = without_authorization(base_);
  sign(request, {"content-type", "host", "x-amz-date"}, {"20150831", "us-east-1", "service"},
       "20150830T123600Z");
  auto result = verify(request);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, Kind::kBadCredentialScope);
  AuthError ec2 = auth_error(result.error(), AuthErrorDialect::kEc2);
  EXPECT_EQ(ec2.code, "AuthFailure");
  EXPECT_EQ(ec2.message,
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
            "HTTP: '20150831' != '20150830', from '20150830T123600Z'.");
  EXPECT_EQ(auth_error(result.error(), AuthErrorDialect::kQuery).code, "SignatureDoesNotMatch");
}

TEST_F(SigV4Verify, RefusesAMissingAuthorization) {
  Request bare = without_authorization(base_);
  Request presigned = without_authorization(base_);
  presigned.query =
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2F"
      "service%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-"
      "SignedHeaders=host&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7"
      "192d3865d";
  Request blank = without_authorization(base_);
  blank.headers.emplace_back("Authorization", "  ");
  for (const Request& request : {bare, presigned, blank}) {
    auto result = verify(request);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, Kind::kMissingAuthentication);
    AuthError query = auth_error(result.error(), AuthErrorDialect::kQuery);
    EXPECT_EQ(query.status, 403);
    EXPECT_EQ(query.code, "MissingAuthenticationToken");
    EXPECT_EQ(auth_error(result.error(), AuthErrorDialect::kEc2).code,
              "MissingAuthenticationToken");
  }
}

TEST_F(SigV4Verify, RejectsAMalformedAuthorization) {
  const std::string credential = "Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";
  const std::string rest = ", SignedHeaders=content-type;host;x-amz-date, Signature=" +
                           std::string(64, '0');
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"AWS4-HMAC-SHA256 " + credential + ", SignedHeaders=content-type;host;x-amz-date",
       "Authorization header requires 'Signature' parameter."},
      {"AWS4-HMAC-SHA256 " + credential + ", Signature=", "requires 'SignedHeaders'"},
      {"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/aws4_request" + rest,
       "is not of the form"},
      {"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws5_request" + rest,
       "valid terminator"},
      {"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/2015-08-30/us-east-1/service/aws4_request" + rest,
       "YYYYMMDD"},
      {"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE//us-east-1/service/aws4_request" + rest,
       "is not of the form"},
      {"AWS4-HMAC-SHA512 " + credential + rest, "Unsupported AWS 'algorithm'"},
      {"AWS AKIDEXAMPLE:c2lnbmF0dXJl", "Unsupported AWS 'algorithm'"},
      {"AWS4-HMAC-SHA256", "requires 'Credential'"},
      {"AWS4-HMAC-SHA256 " + credential + ", SignedHeaders, Signature=00", "not a valid key=value"},
      {"AWS4-HMAC-SHA256 " + credential + ", " + credential + rest, "'Credential' twice"},
      {"AWS4-HMAC-SHA256 " + credential + ", SignedHeaders=host;;x-amz-date, Signature=00",
       "empty header name"},
      {"AWS4-HMAC-SHA256 " + credential + ", Color=blue" + rest, "Unknown"},
  };
  for (const auto& [header, expected] : cases) {
    Request request = base_;
    set_header(request, "Authorization", header);
    auto result = verify(request);
    ASSERT_FALSE(result) << header;
    EXPECT_EQ(result.error().kind, Kind::kIncompleteSignature) << header;
    EXPECT_NE(result.error().message.find(expected), std::string::npos)
        << header << " -> " << result.error().message;
    EXPECT_EQ(auth_error(result.error(), AuthErrorDialect::kEc2).code, "IncompleteSignature");
    EXPECT_EQ(auth_error(result.error(), AuthErrorDialect::kJson).code,
              "IncompleteSignatureException");
  }
}

TEST(SigV4Date, TakesTheDateHeaderWhenThereIsNoXAmzDate) {
  Request request = load_case("get-vanilla").request;
  std::erase_if(request.headers, [](const auto& h) { return h.first == "X-Amz-Date"; });
  request.headers.emplace_back("Date", "Sun, 30 Aug 2015 12:36:00 GMT");
  sign(request, {"date", "host"}, kSuiteScope, "20150830T123600Z");
  auto verified = verify(request);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(verified->request_time, kSuiteTime);
  EXPECT_FALSE(verify(request, kSuiteTime + 6min));

  set_header(request, "Date", "yesterday");
  auto bad = verify(request);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, Kind::kIncompleteSignature);

  std::erase_if(request.headers, [](const auto& h) { return h.first == "Date"; });
  auto none = verify(request);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().kind, Kind::kIncompleteSignature);
  EXPECT_NE(none.error().message.find("'X-Amz-Date' or a 'Date' header"), std::string::npos);
}

TEST(SigV4Date, RejectsAnXAmzDateNotInBasicFormat) {
  for (const char* date : {"2015-08-30T12:36:00Z", "20150830T123600", "20150832T123600Z",
                           "20150830T243600Z"}) {
    Request request = load_case("get-vanilla").request;
    set_header(request, "X-Amz-Date", date);
    sign(request, {"host", "x-amz-date"}, kSuiteScope, date);
    auto result = verify(request);
    ASSERT_FALSE(result) << date;
    EXPECT_EQ(result.error().kind, Kind::kIncompleteSignature) << date;
  }
}

TEST(SigV4PayloadHash, UsesXAmzContentSha256OnlyWhenItIsTheBodysHash) {
  Request request = without_authorization(load_case("post-x-www-form-urlencoded").request);
  const std::string body_hash = sha256_hex(request.body);
  ASSERT_EQ(body_hash, "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
  const std::vector<std::string> headers = {"content-type", "host", "x-amz-content-sha256",
                                            "x-amz-date"};

  request.headers.emplace_back("X-Amz-Content-Sha256", body_hash);
  sign(request, headers, kSuiteScope, "20150830T123600Z");
  auto verified = verify(request);
  EXPECT_TRUE(verified) << verified.error().message;

  for (const std::string& claim : {sha256_hex("Param1=other"), std::string("UNSIGNED-PAYLOAD")}) {
    set_header(request, "X-Amz-Content-Sha256", claim);
    sign(request, headers, kSuiteScope, "20150830T123600Z");
    auto result = verify(request);
    ASSERT_FALSE(result) << claim;
    EXPECT_EQ(result.error().kind, Kind::kSignatureMismatch);
    EXPECT_NE(result.error().message.find("x-amz-content-sha256"), std::string::npos);
  }
}

TEST(SigV4SessionToken, ReportsTheTokenAndWhetherItWasSigned) {
  auto before = verify(load_case("post-sts-token/post-sts-header-before").signed_request);
  ASSERT_TRUE(before) << before.error().message;
  EXPECT_TRUE(before->session_token.starts_with("AQoDYXdzEPT//////////wEXAMPLE"));
  EXPECT_TRUE(before->session_token_signed);

  auto after = verify(load_case("post-sts-token/post-sts-header-after").signed_request);
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_EQ(after->session_token, before->session_token);
  EXPECT_FALSE(after->session_token_signed);

  auto none = verify(load_case("get-vanilla").signed_request);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->session_token, "");
  EXPECT_FALSE(none->session_token_signed);
}

// Requests as the awscli the emulator is checked against sends them.
class SigV4Awscli : public ::testing::Test {
 protected:
  static Request load(const std::string& name) {
    return parse_http(read_file(std::string(SGWATCH_TEST_DATA_DIR) + "/sigv4/awscli/" + name));
  }
  static std::optional<std::string> secret(const std::string& access_key_id) {
    if (access_key_id == "AKIAIOSFODNN7EXAMPLE") return "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    return std::nullopt;
  }
  // Half a minute after awscli sent it, at 16:54:`second` on 2026-11-23.
  static tl::expected<VerifiedSignature, SignatureFailure> verify_at(const Request& request,
                                                                    int second) {
    const std::chrono::sys_seconds sent = std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} +
                                          16h + 54min + std::chrono::seconds(second);
    return verify_sigv4(request, secret, sent + 30s);
  }
};

TEST_F(SigV4Awscli, AcceptsAnEc2QueryRequest) {
  Request request = load("ec2-describe-security-groups.http");
  ASSERT_EQ(request.header("X-Amz-Date"), "20261123T165456Z");
  auto verified = verify_at(request, 56);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(verified->service, "ec2");
  EXPECT_EQ(verified->region, "eu-west-1");
  EXPECT_EQ(verified->session_token, "");

  // The filter value "web *" travels form-encoded in the body, which only its hash covers.
  ASSERT_NE(request.body.find("Value.1=web+%2A"), std::string::npos);
  request.body.replace(request.body.find("web+%2A"), 7, "web+%2B");
  auto tampered = verify_at(request, 56);
  ASSERT_FALSE(tampered);
  EXPECT_EQ(auth_error(tampered.error(), AuthErrorDialect::kEc2).code, "AuthFailure");
}

TEST_F(SigV4Awscli, AcceptsAnStsRequestWithASignedSessionToken) {
  Request request = load("sts-get-caller-identity-with-session-token.http");
  auto verified = verify_at(request, 57);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(verified->service, "sts");
  EXPECT_EQ(verified->session_token, "FwoGZXIvYXdzEXAMPLE//token+with/slashes==");
  EXPECT_TRUE(verified->session_token_signed);

  set_header(request, "X-Amz-Security-Token", "FwoGZXIvYXdzEXAMPLE//other");
  auto swapped = verify_at(request, 57);
  ASSERT_FALSE(swapped);
  EXPECT_EQ(auth_error(swapped.error(), AuthErrorDialect::kQuery).code, "SignatureDoesNotMatch");
}

TEST(SigV4Canonical, EncodesAnEncodedPathAgainAsAwsDoesOutsideS3) {
  EXPECT_EQ(canonical_uri(""), "/");
  EXPECT_EQ(canonical_uri("/"), "/");
  EXPECT_EQ(canonical_uri("/a%20b"), "/a%2520b");
  EXPECT_EQ(canonical_uri("/a/b/../c/./d//"), "/a/c/d/");
  EXPECT_EQ(canonical_uri("/../.."), "/");
  EXPECT_EQ(canonical_uri("/caf\xC3\xA9"), "/caf%C3%A9");
  EXPECT_EQ(canonical_uri("/p?ignored=1"), "/p");
}

TEST(SigV4Canonical, DecodesThenEncodesAndSortsTheQuery) {
  EXPECT_EQ(canonical_query(""), "");
  EXPECT_EQ(canonical_query("b=2&a=1&a=0"), "a=0&a=1&b=2");
  EXPECT_EQ(canonical_query("a-b=1&a=2"), "a=2&a-b=1");
  EXPECT_EQ(canonical_query("flag&x="), "flag=&x=");
  EXPECT_EQ(canonical_query("a=b=c"), "a=b%3Dc");
  EXPECT_EQ(canonical_query("k=%7e%7E&s=a%20b&p=a+b"), "k=~~&p=a%2Bb&s=a%20b");
  EXPECT_EQ(canonical_query("v=%2"), "v=%252");
  EXPECT_EQ(canonical_query("&&Action=DescribeRegions&"), "Action=DescribeRegions");
}

TEST(SigV4Canonical, ParsesAuthorizationInAnyOrderAndLowercasesHeaderNames) {
  auto auth = parse_authorization(
      "AWS4-HMAC-SHA256 Signature=abc,SignedHeaders=Host;X-Amz-Date,  "
      "Credential=AKID/20150830/eu-west-1/ec2/aws4_request");
  ASSERT_TRUE(auth) << auth.error().message;
  EXPECT_EQ(auth->access_key_id, "AKID");
  EXPECT_EQ(auth->scope.region, "eu-west-1");
  EXPECT_EQ(auth->scope.service, "ec2");
  EXPECT_EQ(auth->signed_headers, (std::vector<std::string>{"host", "x-amz-date"}));
  EXPECT_EQ(auth->signature, "abc");
}

}  // namespace
}  // namespace sgwatch::emulator::sigv4_verifier_test
