#include "emulator/sns/sns_signer.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <vector>

namespace sgwatch::emulator {
namespace {

std::string base64(const unsigned char* data, size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data,
                                static_cast<int>(size));
  out.resize(static_cast<size_t>(std::max(written, 0)));
  return out;
}

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;

// OpenSSL failing here means the process cannot make a key at all; there is no answer an
// emulator could give instead, so it is a programming or environment error.
[[noreturn]] void fail(const char* what) {
  throw std::runtime_error(std::string("the emulator's SNS signer could not ") + what);
}

}  // namespace

std::string sns_string_to_sign(const nlohmann::ordered_json& message) {
  static const char* const kNotification[] = {"Message", "MessageId", "Subject",
                                              "Timestamp", "TopicArn", "Type"};
  static const char* const kConfirmation[] = {"Message", "MessageId", "SubscribeURL",
                                              "Timestamp", "Token", "TopicArn", "Type"};
  const bool notification = message.value("Type", "") == "Notification";
  std::string out;
  auto add = [&](const char* key) {
    auto found = message.find(key);
    if (found == message.end() || !found->is_string()) return;
    out += key;
    out += '\n';
    out += found->get<std::string>();
    out += '\n';
  };
  if (notification) {
    for (const char* key : kNotification) add(key);
  } else {
    for (const char* key : kConfirmation) add(key);
  }
  return out;
}

struct SnsSigner::Keys {
  PkeyPtr key;
  std::string pem;
};

SnsSigner::SnsSigner(const Clock& clock) : clock_(clock) {}
SnsSigner::~SnsSigner() = default;

SnsSigner::Keys& SnsSigner::keys() {
  std::call_once(made_, [this] {
    auto keys = std::make_unique<Keys>();
    keys->key.reset(EVP_RSA_gen(2048));
    if (!keys->key) fail("generate an RSA key");
    X509Ptr cert(X509_new());
    if (!cert) fail("allocate a certificate");
    X509_set_version(cert.get(), 2);  // X.509 v3
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f;  // a positive serial number
    BIGNUM* number = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(number, X509_get_serialNumber(cert.get()));
    BN_free(number);
    const auto now = std::chrono::system_clock::to_time_t(
        std::chrono::time_point_cast<std::chrono::system_clock::duration>(clock_.now()));
    ASN1_TIME_set(X509_getm_notBefore(cert.get()), now - 24 * 3600);
    ASN1_TIME_set(X509_getm_notAfter(cert.get()), now + 365 * 24 * 3600);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("sns.amazonaws.com"), -1,
                               -1, 0);
    X509_set_issuer_name(cert.get(), name);
    X509_set_pubkey(cert.get(), keys->key.get());
    if (X509_sign(cert.get(), keys->key.get(), EVP_sha256()) <= 0) fail("sign its certificate");
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert.get()) != 1) fail("write its certificate");
    char* data = nullptr;
    long length = BIO_get_mem_data(bio.get(), &data);
    keys->pem.assign(data, static_cast<size_t>(length));
    keys_ = std::move(keys);
  });
  return *keys_;
}

std::string SnsSigner::certificate_pem() { return keys().pem; }

std::string SnsSigner::sign(const std::string& string_to_sign,
                            const std::string& signature_version) {
  Keys& k = keys();
  const EVP_MD* digest = signature_version == "2" ? EVP_sha256() : EVP_sha1();
  MdCtxPtr context(EVP_MD_CTX_new());
  size_t length = 0;
  // RSA keys sign with PKCS#1 v1.5 padding unless told otherwise.
  if (!context || EVP_DigestSignInit(context.get(), nullptr, digest, nullptr, k.key.get()) != 1 ||
      EVP_DigestSign(context.get(), nullptr, &length,
                     reinterpret_cast<const unsigned char*>(string_to_sign.data()),
                     string_to_sign.size()) != 1) {
    fail("start a signature");
  }
  std::vector<unsigned char> signature(length);
  if (EVP_DigestSign(context.get(), signature.data(), &length,
                     reinterpret_cast<const unsigned char*>(string_to_sign.data()),
                     string_to_sign.size()) != 1) {
    fail("sign a message");
  }
  return base64(signature.data(), length);
}

}  // namespace sgwatch::emulator
