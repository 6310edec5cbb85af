#include "app/jsonl_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace sgwatch {
namespace {

std::string reason(int error) { return std::generic_category().message(error); }

}  // namespace

Result<JsonlFile> JsonlFile::open(const std::string& path) {
  int fd;
  do {
    fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    return fail(ErrorCode::kIo,
                fmt::format("cannot open {} for appending JSON lines: {}", path, reason(errno)));
  }
  return JsonlFile(path, fd);
}

JsonlFile::JsonlFile(JsonlFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}

JsonlFile& JsonlFile::operator=(JsonlFile&& other) noexcept {
  if (this != &other) {
    close();
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

JsonlFile::~JsonlFile() { close(); }

void JsonlFile::close() {
  // Every append was already synced, so there is nothing left to report here.
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Status JsonlFile::append(const std::vector<nlohmann::json>& lines) {
  if (fd_ < 0) return fail(ErrorCode::kIo, fmt::format("{}: JSON lines file is not open", path_));
  if (lines.empty()) return {};
  std::string batch;
  for (const nlohmann::json& line : lines) {
    // Compact output escapes newlines inside strings, so each document is exactly one line.
    // Invalid UTF-8 is replaced rather than thrown on: a description must not stop a report.
    batch += line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    batch += '\n';
  }
  return write_batch(batch);
}

Status JsonlFile::append_raw(std::string_view line) {
  if (fd_ < 0) return fail(ErrorCode::kIo, fmt::format("{}: JSON lines file is not open", path_));
  if (line.empty()) return invalid(fmt::format("{}: refusing to append an empty line", path_));
  if (line.find_first_of("\r\n") != std::string_view::npos) {
    return invalid(fmt::format("{}: refusing to append a line holding a line break", path_));
  }
  std::string batch;
  batch.reserve(line.size() + 1);
  batch.append(line).append("\n");
  return write_batch(batch);
}

Status JsonlFile::write_batch(const std::string& batch) {
  ssize_t written;
  do {
    written = ::write(fd_, batch.data(), batch.size());
  } while (written < 0 && errno == EINTR);
  if (written < 0) {
    return fail(ErrorCode::kIo, fmt::format("cannot append to {}: {}", path_, reason(errno)));
  }
  if (static_cast<size_t>(written) != batch.size()) {
    return fail(ErrorCode::kIo,
                fmt::format("cannot append to {}: wrote only {} of {} bytes (is the disk full?)",
                            path_, written, batch.size()));
  }
  // Pipes and terminals (`--jsonl /dev/stdout`) cannot be synced and need not be.
  if (::fdatasync(fd_) != 0 && errno != EINVAL && errno != EROFS) {
    return fail(ErrorCode::kIo, fmt::format("cannot flush {}: {}", path_, reason(errno)));
  }
  return {};
}

}  // namespace sgwatch
