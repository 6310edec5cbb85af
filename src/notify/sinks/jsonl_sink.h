// The jsonl destination: each alert's document appended as one line to a local file, for
// a log shipper or a script to pick up. Each line is flushed to the device before the
// alert counts as delivered, so a crash right after never loses an alert the outbox
// marked delivered (it may write one twice: readers deduplicate by the alert's "id").
//
// The file is opened once, with O_APPEND (see app/jsonl_file.h): other writers may append
// to it too without splitting a line. It stays open for the sink's life, so a log rotation
// must copy and truncate it rather than move it away.
#pragma once

#include <memory>
#include <string>

#include "app/jsonl_file.h"
#include "core/error.h"
#include "notify/sinks/sink.h"

namespace sgwatch {

class JsonlSink final : public Sink {
 public:
  explicit JsonlSink(JsonlFile file) : file_(std::move(file)) {}

  // Ok once the line is on the device. A failed write or flush is Retry with the system's
  // reason (a full disk may be cleared); a body that is empty or holds a line break is
  // Fatal, since it could never be written as one line.
  DeliveryOutcome deliver(const Alert& alert) override;
  std::string describe() const override;  // "jsonl /var/lib/sgwatch/alerts.jsonl"

 private:
  JsonlFile file_;
};

// Opens (creating, mode 0640 before the umask) `path` for appending. Fails (kIo, naming the
// path and the system's reason) when it cannot be opened: a destination that cannot write
// is a configuration error, found at start rather than at the first alert.
Result<std::unique_ptr<JsonlSink>> make_jsonl_sink(const std::string& path);

}  // namespace sgwatch
