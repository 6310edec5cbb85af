#include "trail/record_containers.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <utility>

#include <simdjson.h>

namespace sgwatch {
namespace {

using simdjson::SUCCESS;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

bool has_key(object obj, std::string_view key) {
  element ignored;
  return obj.at_key(key).get(ignored) == SUCCESS;
}

// Walks the containers of one document, numbering records across all of them.
class Walker {
 public:
  Walker(const RecordVisitor& visit, RecordDetail detail) : visit_(visit), detail_(detail) {}

  // `depth` 0 is a document (a line of JSON Lines, or the whole text); an array there may
  // hold containers, but containers do not nest further.
  void container(element value, int depth) {
    object obj;
    array list;
    if (value.get_object().get(obj) == SUCCESS) {
      element inner;
      if (obj.at_key("Records").get(inner) == SUCCESS) return records(inner, "Records");
      if (obj.at_key("Events").get(inner) == SUCCESS) return lookup_events(inner);
      if (obj.at_key("detail").get(inner) == SUCCESS && inner.is_object() &&
          (has_key(obj, "detail-type") || has_key(obj, "source"))) {
        return record(inner);
      }
      if (has_key(obj, "eventID") || has_key(obj, "eventName") || has_key(obj, "eventTime")) {
        return record(value);
      }
      return problem("not a CloudTrail record, log file, LookupEvents response or EventBridge "
                     "event");
    }
    if (depth == 0 && value.get_array().get(list) == SUCCESS) {
      for (element item : list) container(item, depth + 1);
      return;
    }
    problem("expected a JSON object");
  }

  // A problem that is not a record's own: the index names where it would have been.
  void problem(const std::string& message) {
    visit_(invalid("record " + std::to_string(index_) + ": " + message), index_);
    ++index_;
  }

 private:
  void record(element value) {
    visit_(parse_record(value, index_, detail_), index_);
    ++index_;
  }

  void records(element value, const char* key) {
    array list;
    if (value.get_array().get(list) != SUCCESS) {
      return problem(std::string(key) + ": expected an array");
    }
    for (element item : list) record(item);
  }

  // LookupEvents: each event's CloudTrailEvent is the record, as a JSON string.
  void lookup_events(element value) {
    array list;
    if (value.get_array().get(list) != SUCCESS) return problem("Events: expected an array");
    for (element event : list) {
      std::string label = "record " + std::to_string(index_);
      std::string_view id;
      if (event.at_key("EventId").get_string().get(id) == SUCCESS) {
        label += " (eventID " + std::string(id) + ")";
      }
      std::string_view text;
      if (event.at_key("CloudTrailEvent").get_string().get(text) != SUCCESS) {
        visit_(invalid(label + ": CloudTrailEvent: missing, or not a string"), index_++);
        continue;
      }
      element inner;
      // A second parser: the first still holds the response being walked.
      if (auto error = inner_parser_.parse(text.data(), text.size()).get(inner); error) {
        visit_(invalid(label + ": CloudTrailEvent: malformed JSON: " +
                       simdjson::error_message(error)),
               index_++);
        continue;
      }
      record(inner);
    }
  }

  const RecordVisitor& visit_;
  RecordDetail detail_;
  simdjson::dom::parser inner_parser_;
  size_t index_ = 0;
};

std::string_view trim(std::string_view line) {
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t' || line.front() == '\r')) {
    line.remove_prefix(1);
  }
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  return line;
}

// `data` has SIMDJSON_PADDING readable bytes after `size`.
Status walk(const char* data, size_t size, const RecordVisitor& visit, RecordDetail detail) {
  simdjson::dom::parser parser;
  Walker walker(visit, detail);
  element root;
  auto whole = parser.parse(data, size, /*realloc_if_needed=*/false).get(root);
  if (whole == SUCCESS) {
    walker.container(root, 0);
    return {};
  }
  // JSON Lines, when the first line is a JSON value of its own; otherwise the text is
  // simply not JSON, and one error says so rather than one per line.
  const std::string_view text(data, size);
  bool first = true;
  bool lines = false;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = trim(text.substr(start, end - start));
    start = end + 1;
    if (line.empty()) continue;
    element value;
    auto error = parser.parse(line.data(), line.size(), /*realloc_if_needed=*/true).get(value);
    if (first) {
      first = false;
      if (error || (!value.is_object() && !value.is_array())) break;
      lines = true;
    }
    if (error) {
      walker.problem(std::string("malformed JSON: ") + simdjson::error_message(error));
      continue;
    }
    walker.container(value, 0);
  }
  if (!lines) return invalid(std::string("not JSON: ") + simdjson::error_message(whole));
  return {};
}

}  // namespace

Status for_each_record(std::string_view document, const RecordVisitor& visit,
                       RecordDetail detail) {
  const simdjson::padded_string padded(document);
  return walk(padded.data(), padded.size(), visit, detail);
}

bool is_gzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

Result<std::string> gunzip(std::string_view bytes) {
  z_stream stream{};
  // 16 + MAX_WBITS: a gzip header and trailer, not a bare zlib stream.
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) return invalid("gzip: cannot start zlib");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  std::string out;
  out.resize(std::max<size_t>(bytes.size() * 4, 1 << 16));
  size_t produced = 0;
  Status status;
  while (true) {
    if (produced == out.size()) out.resize(out.size() * 2);
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    stream.avail_out = static_cast<uInt>(std::min<size_t>(out.size() - produced, 1u << 30));
    const uInt before = stream.avail_out;
    int result = inflate(&stream, Z_NO_FLUSH);
    produced += before - stream.avail_out;
    if (result == Z_STREAM_END) {
      // Another member may follow (concatenated gzip files are one gzip file).
      if (stream.avail_in == 0) break;
      std::string_view rest(reinterpret_cast<const char*>(stream.next_in), stream.avail_in);
      if (!is_gzip(rest)) {
        if (rest.find_first_not_of('\0') == std::string_view::npos) break;  // padding
        status = invalid("gzip: unexpected bytes after the compressed data");
        break;
      }
      inflateReset(&stream);
      continue;
    }
    if (result == Z_OK) continue;
    if (result == Z_BUF_ERROR && stream.avail_out > 0) {
      status = invalid("gzip: the compressed data is truncated");
      break;
    }
    if (result == Z_BUF_ERROR) continue;
    status = invalid(std::string("gzip: ") + (stream.msg ? stream.msg : "corrupt data"));
    break;
  }
  inflateEnd(&stream);
  if (!status) return tl::unexpected(status.error());
  out.resize(produced);
  return out;
}

std::string record_problem_kind(std::string_view message) {
  // parse_record's label: "record N", then " (eventID ...)" once the id is read.
  if (message.starts_with("record ")) {
    const size_t id = message.find(" (eventID ");
    const size_t colon = message.find(": ");
    size_t end = colon;
    if (id != std::string_view::npos && id < colon) end = message.find("): ", id);
    if (end != std::string_view::npos) {
      message.remove_prefix(end + (message[end] == ')' ? 3 : 2));
    }
  }
  message = message.substr(0, message.find(": "));
  // Only a name: the message has the rest.
  constexpr size_t kLongest = 80;
  return std::string(message.substr(0, kLongest));
}

Result<TrailRead> read_trail_document(std::string_view bytes, RecordDetail detail) {
  TrailRead read;
  auto collect = [&read](Result<ApiCall> call, size_t index) {
    ++read.records;
    if (call) {
      read.calls.push_back(std::move(*call));
    } else {
      std::string kind = record_problem_kind(call.error().message);
      read.problems.push_back({index, std::move(call.error().message), std::move(kind)});
    }
  };
  Status walked;
  if (is_gzip(bytes)) {
    auto text = gunzip(bytes);
    if (!text) return tl::unexpected(text.error());
    // Pad in place rather than copy: logs are large.
    const size_t size = text->size();
    text->resize(size + simdjson::SIMDJSON_PADDING);
    walked = walk(text->data(), size, collect, detail);
  } else {
    walked = for_each_record(bytes, collect, detail);
  }
  if (!walked) return tl::unexpected(walked.error());
  return read;
}

Result<TrailRead> read_trail_file(const std::string& path, RecordDetail detail) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kIo, "cannot open '" + path + "': " + std::strerror(errno));
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  std::string bytes(size > 0 ? static_cast<size_t>(size) : 0, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (in.bad() || size < 0) {
    return fail(ErrorCode::kIo, "cannot read '" + path + "': " + std::strerror(errno));
  }
  auto read = read_trail_document(bytes, detail);
  if (!read) return tl::unexpected(read.error().within(path));
  return read;
}

}  // namespace sgwatch
