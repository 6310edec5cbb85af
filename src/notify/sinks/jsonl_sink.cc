#include "notify/sinks/jsonl_sink.h"

#include <utility>

#include <fmt/format.h>

namespace sgwatch {

DeliveryOutcome JsonlSink::deliver(const Alert& alert) {
  auto appended = file_.append_raw(alert.body);
  if (appended) return DeliveryOutcome::ok();
  // JsonlFile's messages already name the path.
  std::string reason = fmt::format("jsonl: {}", appended.error().message);
  if (appended.error().code == ErrorCode::kInvalidInput) {
    return DeliveryOutcome::fatal(fmt::format("{} (alert {})", reason, alert.id));
  }
  return DeliveryOutcome::retry(std::move(reason));
}

std::string JsonlSink::describe() const { return "jsonl " + file_.path(); }

Result<std::unique_ptr<JsonlSink>> make_jsonl_sink(const std::string& path) {
  auto file = JsonlFile::open(path);
  if (!file) return tl::unexpected(file.error());
  return std::make_unique<JsonlSink>(std::move(*file));
}

}  // namespace sgwatch
