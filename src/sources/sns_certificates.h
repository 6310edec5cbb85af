// SNS signing certificates by URL, cached on disk and in memory so that each is fetched
// at most once per installation, and so that an air-gapped install can be pre-seeded.
//
// Contract:
// - A certificate is kept in `dir` as <last path segment of its URL>, e.g.
//   SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem. The segment must be a
//   safe file name: [A-Za-z0-9._-]+ ending in ".pem", else the URL is refused.
// - certificate(url) looks in memory, then in `dir` (a file there is used as it is: an
//   operator may have put it there), then fetches it with `fetcher` (a GET that must answer
//   200 with exactly one PEM certificate of at most kMaxCertificateBytes) and writes it
//   atomically (temp file + rename) before returning it. With a null fetcher the cache is
//   offline: a certificate not in `dir` is a kNotFound error. Nothing is written when a
//   fetch fails.
// - This class does not decide whether a URL may be trusted: callers check the URL first
//   (check_signing_cert_url, or SnsVerifier which does it).
// - The disk is keyed by file name: SNS names its certificates by content hash, so one
//   name is one certificate whichever regional host serves it. Memory is keyed by URL.
// - Thread-safe. Lookups are serialised, a fetch included, so concurrent deliveries signed
//   by a new certificate cause one fetch, not one each; a fetch is bounded by the
//   fetcher's timeouts.
// - `fetcher`, when given, must outlive this object.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>

#include "aws/http.h"
#include "core/error.h"

namespace sgwatch {

class SnsCertificates {
 public:
  static constexpr std::size_t kMaxCertificateBytes = 64 * 1024;

  SnsCertificates(std::string dir, HttpTransport* fetcher);

  // The PEM text of the certificate at `url`.
  // `keep_on_disk` false: neither read from nor written to `dir`, only kept in memory (the
  // test-only trusted certificate: an emulator's, whose key is new each run, and whose
  // file name must never later stand for an AWS certificate).
  Result<std::string> certificate(const std::string& url, bool keep_on_disk = true);

  // The file name `url` is cached under, or an error when it has no safe one.
  static Result<std::string> cache_file_name(const std::string& url);

  const std::string& dir() const { return dir_; }

 private:
  Result<std::string> fetch(const std::string& url, const std::string& name);
  Status store(const std::string& name, const std::string& pem);

  const std::string dir_;
  HttpTransport* const fetcher_;
  std::mutex mutex_;                          // guards memory_ and serialises fetches
  std::map<std::string, std::string> memory_;  // URL -> PEM text
};

}  // namespace sgwatch
