// An append-only file of JSON Lines (one compact JSON document per line), the sink of
// `--jsonl FILE`. Other programs tail the file and may run several writers, so each batch
// of lines goes out in one write(2) on an O_APPEND descriptor: concurrent appends of
// whole batches land one after the other and never split a line.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/error.h"

namespace sgwatch {

class JsonlFile {
 public:
  // Opens `path` for appending, creating it (mode 0640, before the umask) if missing.
  // Errors are kIo and name the path and the system's reason.
  static Result<JsonlFile> open(const std::string& path);

  JsonlFile(JsonlFile&& other) noexcept;
  JsonlFile& operator=(JsonlFile&& other) noexcept;
  JsonlFile(const JsonlFile&) = delete;
  JsonlFile& operator=(const JsonlFile&) = delete;
  ~JsonlFile();

  // Appends each document as one compact line ending in '\n', the whole batch in a single
  // write, then flushes it to the device. An empty batch writes nothing. Errors (including
  // a short write) are kIo and name the path.
  Status append(const std::vector<nlohmann::json>& lines);

  // Appends `line`, one document already serialised as compact JSON, followed by '\n', in
  // a single write, then flushes it to the device, as append() does. It is written as
  // given, never parsed. An empty line or one holding '\n' or '\r' would break the file's
  // one-document-per-line shape: refused (kInvalidInput), writing nothing.
  Status append_raw(std::string_view line);

  const std::string& path() const { return path_; }

 private:
  JsonlFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  void close();
  Status write_batch(const std::string& batch);

  std::string path_;
  int fd_ = -1;
};

}  // namespace sgwatch
