// How the emulator's SNS signs what it delivers: an RSA 2048 key and a self-signed X.509
// certificate (subject CN=sns.amazonaws.com), made with OpenSSL on first use, and SNS's
// message signatures over them: RSA PKCS#1 v1.5 with SHA1 (SignatureVersion "1") or
// SHA256 ("2"), base64, over the string to sign of sns_string_to_sign().
//
// The key is not deterministic (a fresh one per emulator), and is made lazily: RSA key
// generation costs tens of milliseconds, which emulators that never deliver need not pay.
//
// Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "core/clock.h"

namespace sgwatch::emulator {

// SNS's string to sign for a delivered message: "Key\nValue\n" for each of the keys its
// type signs, in SNS's fixed order, taking the values from `message` (the JSON envelope).
// Notification: Message, MessageId, Subject (only when present), Timestamp, TopicArn, Type.
// SubscriptionConfirmation and UnsubscribeConfirmation: Message, MessageId, SubscribeURL,
// Timestamp, Token, TopicArn, Type. Keys missing from `message` are left out.
std::string sns_string_to_sign(const nlohmann::ordered_json& message);

class SnsSigner {
 public:
  // The certificate is valid from clock.now() - 1 day to clock.now() + 1 year, read when
  // the key is made. `clock` must outlive the signer.
  explicit SnsSigner(const Clock& clock);
  ~SnsSigner();
  SnsSigner(const SnsSigner&) = delete;
  SnsSigner& operator=(const SnsSigner&) = delete;

  // The certificate as PEM ("-----BEGIN CERTIFICATE-----...").
  std::string certificate_pem();
  // Base64 of the signature of `string_to_sign`: SHA1withRSA for version "1", SHA256withRSA
  // for "2". Any other version signs as "1" (callers validate versions before).
  std::string sign(const std::string& string_to_sign, const std::string& signature_version);

 private:
  struct Keys;
  Keys& keys();  // makes them on first use

  const Clock& clock_;
  std::once_flag made_;
  std::unique_ptr<Keys> keys_;
};

}  // namespace sgwatch::emulator
