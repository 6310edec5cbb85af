#include "sources/sns_signature.h"

#include <curl/curl.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cctype>
#include <ctime>
#include <memory>
#include <vector>

#include "core/time_format.h"

namespace sgwatch {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct DigestContextFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct EncodeContextFree {
  void operator()(EVP_ENCODE_CTX* ctx) const { EVP_ENCODE_CTX_free(ctx); }
};
struct CurlUrlFree {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlStringFree {
  void operator()(char* text) const { curl_free(text); }
};

// OpenSSL keeps a per-thread error queue; a failed call leaves entries that would be
// reported against some later, unrelated call, so every failure path empties it.
std::string openssl_error() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "no detail from OpenSSL";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

std::optional<std::string> url_part(CURLU* url, CURLUPart part, unsigned int flags = 0) {
  char* raw = nullptr;
  if (curl_url_get(url, part, &raw, flags) != CURLUE_OK) return std::nullopt;
  std::unique_ptr<char, CurlStringFree> owned(raw);
  return std::string(raw ? raw : "");
}

// Base64 with every space, tab and line break skipped: SNS sends one line, but other
// signers (Ruby's Base64.encode64) break lines every 60 characters.
Result<std::string> decode_base64(std::string_view text) {
  std::string compact;
  compact.reserve(text.size());
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) compact.push_back(c);
  }
  if (compact.empty()) return invalid("the Signature is empty");
  std::unique_ptr<EVP_ENCODE_CTX, EncodeContextFree> ctx(EVP_ENCODE_CTX_new());
  if (!ctx) return fail(ErrorCode::kIo, "out of memory decoding the Signature");
  std::string out(compact.size() / 4 * 3 + 3, '\0');
  int written = 0, last = 0;
  EVP_DecodeInit(ctx.get());
  auto* out_bytes = reinterpret_cast<unsigned char*>(out.data());
  if (EVP_DecodeUpdate(ctx.get(), out_bytes, &written,
                       reinterpret_cast<const unsigned char*>(compact.data()),
                       static_cast<int>(compact.size())) < 0 ||
      EVP_DecodeFinal(ctx.get(), out_bytes + written, &last) != 1) {
    ERR_clear_error();
    return invalid("the Signature is not valid base64");
  }
  out.resize(static_cast<size_t>(written + last));
  if (out.empty()) return invalid("the Signature is empty");
  return out;
}

using X509Ptr = std::unique_ptr<X509, X509Free>;

Result<X509Ptr> read_certificate(std::string_view pem) {
  size_t start = 0;
  while (start < pem.size() && std::isspace(static_cast<unsigned char>(pem[start]))) ++start;
  // PEM_read_bio_X509 would skip any text before the BEGIN line; a certificate file with
  // something else in front of it is not what SNS serves, so it is refused here.
  if (!pem.substr(start).starts_with("-----BEGIN CERTIFICATE-----")) {
    return invalid("the certificate is not PEM text starting with "
                   "'-----BEGIN CERTIFICATE-----'");
  }
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return fail(ErrorCode::kIo, "out of memory reading the certificate");
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return invalid("the certificate cannot be read: " + openssl_error());
  char* rest = nullptr;
  const long rest_size = BIO_get_mem_data(bio.get(), &rest);
  for (long i = 0; i < rest_size; ++i) {
    if (!std::isspace(static_cast<unsigned char>(rest[i]))) {
      return invalid("the certificate file holds more than one PEM block");
    }
  }
  return cert;
}

Result<Timestamp> asn1_time(const ASN1_TIME* time, const char* which) {
  std::tm parts{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &parts) != 1) {
    ERR_clear_error();
    return invalid(std::string("the certificate's ") + which + " cannot be read");
  }
  return Timestamp(std::chrono::seconds(timegm(&parts)));
}


void append_field(std::string& out, const char* key, const std::string& value) {
  out += key;
  out += '\n';
  out += value;
  out += '\n';
}

}  // namespace

bool is_sns_host(std::string_view host) {
  constexpr std::string_view kPrefix = "sns.";
  std::string_view middle;
  for (std::string_view suffix : {".amazonaws.com", ".amazonaws.com.cn"}) {
    if (host.size() > kPrefix.size() + suffix.size() && host.starts_with(kPrefix) &&
        host.ends_with(suffix)) {
      middle = host.substr(kPrefix.size(), host.size() - kPrefix.size() - suffix.size());
      break;
    }
  }
  if (middle.size() < 3) return false;
  for (char c : middle) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return true;
}

std::string sns_string_to_sign(const SnsMessage& message) {
  std::string out;
  append_field(out, "Message", message.message);
  append_field(out, "MessageId", message.message_id);
  if (message.type == SnsMessageType::kNotification) {
    if (message.subject) append_field(out, "Subject", *message.subject);
  } else {
    append_field(out, "SubscribeURL", message.subscribe_url);
  }
  append_field(out, "Timestamp", message.timestamp_text);
  if (message.type != SnsMessageType::kNotification) append_field(out, "Token", message.token);
  append_field(out, "TopicArn", message.topic_arn);
  append_field(out, "Type", to_string(message.type));
  return out;
}

Result<std::string> sns_signature_algorithm(std::string_view signature_version) {
  if (signature_version == "1") return std::string("SHA1withRSA");
  if (signature_version == "2") return std::string("SHA256withRSA");
  return invalid("SignatureVersion '" + std::string(signature_version) +
                 "' is not supported (only 1 and 2)");
}

std::string SnsCertUrl::file_name() const {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

Result<SnsCertUrl> parse_sns_cert_url(std::string_view url) {
  const std::string copy(url);
  std::unique_ptr<CURLU, CurlUrlFree> parsed(curl_url());
  if (!parsed) return fail(ErrorCode::kIo, "out of memory parsing a certificate URL");
  // libcurl reads a C string: a NUL would cut the URL checked short of the one given.
  if (copy.find('\0') != std::string::npos ||
      curl_url_set(parsed.get(), CURLUPART_URL, copy.c_str(), 0) != CURLUE_OK) {
    return invalid("'" + copy + "' is not a valid absolute URL");
  }
  SnsCertUrl out;
  out.scheme = url_part(parsed.get(), CURLUPART_SCHEME).value_or("");
  out.host = url_part(parsed.get(), CURLUPART_HOST).value_or("");
  out.port = url_part(parsed.get(), CURLUPART_PORT);
  out.path = url_part(parsed.get(), CURLUPART_PATH).value_or("/");
  if (out.path.empty()) out.path = "/";
  out.has_userinfo = url_part(parsed.get(), CURLUPART_USER).has_value() ||
                     url_part(parsed.get(), CURLUPART_PASSWORD).has_value() ||
                     url_part(parsed.get(), CURLUPART_OPTIONS).has_value();
  out.has_query = url_part(parsed.get(), CURLUPART_QUERY).has_value();
  out.has_fragment = url_part(parsed.get(), CURLUPART_FRAGMENT).has_value();
  for (char& c : out.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (out.host.empty()) return invalid("'" + copy + "' has no host");
  return out;
}

Status check_signing_cert_url(std::string_view url) {
  auto parsed = parse_sns_cert_url(url);
  if (!parsed) return tl::unexpected(parsed.error().within("SigningCertURL"));
  const std::string quoted = "SigningCertURL '" + std::string(url) + "'";
  if (parsed->scheme != "https") return invalid(quoted + " is not https");
  if (parsed->has_userinfo) return invalid(quoted + " carries user information");
  if (parsed->port && *parsed->port != "443") {
    return invalid(quoted + " names port " + *parsed->port + ", not 443");
  }
  if (parsed->has_query || parsed->has_fragment) {
    return invalid(quoted + " has a query or a fragment");
  }
  if (!is_sns_host(parsed->host)) {
    return invalid(quoted + " is not on an SNS host (sns.<region>.amazonaws.com[.cn])");
  }
  if (!parsed->path.ends_with(".pem")) return invalid(quoted + " does not name a .pem file");
  return {};
}

Status check_sns_signature(const SnsMessage& message, std::string_view certificate_pem) {
  auto algorithm = sns_signature_algorithm(message.signature_version);
  if (!algorithm) return tl::unexpected(algorithm.error());
  const EVP_MD* digest = message.signature_version == "1" ? EVP_sha1() : EVP_sha256();
  auto signature = decode_base64(message.signature);
  if (!signature) return tl::unexpected(signature.error());
  auto cert = read_certificate(certificate_pem);
  if (!cert) return tl::unexpected(cert.error());
  EVP_PKEY* key = X509_get0_pubkey(cert->get());  // owned by the certificate
  if (key == nullptr) return invalid("the certificate's public key cannot be read: " + openssl_error());
  if (EVP_PKEY_base_id(key) != EVP_PKEY_RSA) return invalid("the certificate's key is not RSA");

  std::unique_ptr<EVP_MD_CTX, DigestContextFree> ctx(EVP_MD_CTX_new());
  if (!ctx) return fail(ErrorCode::kIo, "out of memory checking a signature");
  // An RSA key's default padding is PKCS#1 v1.5, which is what SNS uses.
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, digest, nullptr, key) != 1) {
    return invalid("cannot set up " + *algorithm + " verification: " + openssl_error());
  }
  const std::string text = sns_string_to_sign(message);
  const int verified = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(signature->data()), signature->size(),
      reinterpret_cast<const unsigned char*>(text.data()), text.size());
  ERR_clear_error();
  if (verified != 1) {
    return invalid("the " + *algorithm + " signature does not match the signed fields");
  }
  return {};
}

Result<CertificateValidity> certificate_validity(std::string_view certificate_pem) {
  auto cert = read_certificate(certificate_pem);
  if (!cert) return tl::unexpected(cert.error());
  auto not_before = asn1_time(X509_get0_notBefore(cert->get()), "notBefore");
  if (!not_before) return tl::unexpected(not_before.error());
  auto not_after = asn1_time(X509_get0_notAfter(cert->get()), "notAfter");
  if (!not_after) return tl::unexpected(not_after.error());
  return CertificateValidity{*not_before, *not_after};
}

Status check_certificate_validity(std::string_view certificate_pem, Timestamp at) {
  auto validity = certificate_validity(certificate_pem);
  if (!validity) return tl::unexpected(validity.error());
  if (at < validity->not_before || at > validity->not_after) {
    return invalid("the certificate is valid from " + format_utc(validity->not_before) +
                   " to " + format_utc(validity->not_after) + ", not at " + format_utc(at));
  }
  return {};
}

}  // namespace sgwatch
