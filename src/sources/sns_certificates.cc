#include "sources/sns_certificates.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "sources/sns_signature.h"

namespace sgwatch {
namespace {

bool is_safe_file_name(const std::string& name) {
  if (name.size() <= 4 || !name.ends_with(".pem")) return false;
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Status write_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(ErrorCode::kIo, std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  return {};
}

}  // namespace

SnsCertificates::SnsCertificates(std::string dir, HttpTransport* fetcher)
    : dir_(std::move(dir)), fetcher_(fetcher) {}

Result<std::string> SnsCertificates::cache_file_name(const std::string& url) {
  auto parsed = parse_sns_cert_url(url);
  if (!parsed) return tl::unexpected(parsed.error().within("certificate URL"));
  std::string name = parsed->file_name();
  if (!is_safe_file_name(name)) {
    return invalid("the certificate URL '" + url + "' does not end in a safe file name " +
                   "([A-Za-z0-9._-]+ ending in .pem)");
  }
  return name;
}

Result<std::string> SnsCertificates::certificate(const std::string& url, bool keep_on_disk) {
  auto name = cache_file_name(url);
  if (!name) return tl::unexpected(name.error());
  std::lock_guard lock(mutex_);
  if (auto found = memory_.find(url); found != memory_.end()) return found->second;

  const bool test_only = !keep_on_disk;
  const std::string path = dir_ + "/" + *name;
  std::ifstream in;
  if (!test_only) in.open(path, std::ios::binary);
  if (in.is_open()) {
    std::ostringstream content;
    content << in.rdbuf();
    if (in.bad()) {
      return fail(ErrorCode::kIo, "cannot read the cached certificate '" + path +
                                      "': " + std::strerror(errno));
    }
    std::string pem = content.str();
    if (auto readable = certificate_validity(pem); !readable) {
      return tl::unexpected(readable.error().within("the cached certificate '" + path + "'"));
    }
    memory_[url] = pem;
    return pem;
  }
  if (fetcher_ == nullptr) {
    return fail(ErrorCode::kNotFound,
                "the certificate '" + *name + "' is not in the cache directory '" + dir_ +
                    "', and certificates are not fetched here (offline); put the file " +
                    "from " + url + " there");
  }
  auto pem = fetch(url, *name);
  if (!pem) return tl::unexpected(pem.error());
  if (!test_only) {
    if (Status stored = store(*name, *pem); !stored) return tl::unexpected(stored.error());
    spdlog::info("Fetched the SNS signing certificate '{}' from {} into '{}'.", *name, url, dir_);
  }
  memory_[url] = *pem;
  return pem;
}

Result<std::string> SnsCertificates::fetch(const std::string& url, const std::string& name) {
  HttpRequest request;
  request.method = "GET";
  request.url = url;
  auto response = fetcher_->send(request);
  if (!response) {
    return fail(ErrorCode::kIo, fmt::format("cannot fetch the certificate '{}' from {}: {}",
                                            name, url, response.error().message));
  }
  if (response->status != 200) {
    return fail(ErrorCode::kIo, fmt::format("fetching the certificate '{}' from {} gave HTTP {}, "
                                            "not 200",
                                            name, url, response->status));
  }
  if (response->body.size() > kMaxCertificateBytes) {
    return invalid(fmt::format("the certificate '{}' from {} is {} bytes, over the {} byte limit",
                               name, url, response->body.size(), kMaxCertificateBytes));
  }
  if (auto readable = certificate_validity(response->body); !readable) {
    return tl::unexpected(
        readable.error().within(fmt::format("the certificate '{}' fetched from {}", name, url)));
  }
  return std::move(response->body);
}

// Temp file in the same directory, then rename: a reader (this process after a restart, or
// another instance sharing the directory) sees the whole file or none.
Status SnsCertificates::store(const std::string& name, const std::string& pem) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) {
    return fail(ErrorCode::kIo,
                "cannot create the certificate cache directory '" + dir_ + "': " + ec.message());
  }
  const std::string path = dir_ + "/" + name;
  std::string temp = dir_ + "/." + name + ".XXXXXX";
  const int fd = mkstemp(temp.data());
  if (fd < 0) {
    return fail(ErrorCode::kIo, "cannot create a temporary file in '" + dir_ +
                                    "': " + std::strerror(errno));
  }
  // mkstemp makes the file 0600; a certificate is public, and a shared cache directory
  // may be read by other instances running as other users of the same group.
  Status written = ::fchmod(fd, 0644) == 0 ? write_all(fd, pem)
                                           : Status(fail(ErrorCode::kIo, std::strerror(errno)));
  if (written && ::fsync(fd) != 0) written = fail(ErrorCode::kIo, std::strerror(errno));
  if (::close(fd) != 0 && written) written = fail(ErrorCode::kIo, std::strerror(errno));
  if (written && std::rename(temp.c_str(), path.c_str()) != 0) {
    written = fail(ErrorCode::kIo, std::strerror(errno));
  }
  if (!written) {
    ::unlink(temp.c_str());
    return fail(ErrorCode::kIo, "cannot write the certificate '" + path +
                                    "': " + written.error().message);
  }
  return {};
}

}  // namespace sgwatch
