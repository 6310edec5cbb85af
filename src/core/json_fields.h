// Typed access to the members of one parsed JSON object, for every reader of AWS documents
// (Describe* output, AWS Config items and notifications). Each error names the member by
// its JSON path, e.g.
//   SecurityGroups[0].IpPermissions[1].FromPort: expected an integer, got string
// An absent member and a null one are the same: neither carries a value, and writers other
// than awscli (SDK dumps, scripts) print null for unset fields.
//
// A JsonFields is a view: it holds a simdjson object, which points into the parser's
// document, so the parser must outlive it. Its methods are const and touch nothing but the
// document; one JsonFields may be read from several threads as long as nobody reparses.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/clock.h"
#include "core/error.h"
#include "core/json_element.h"

namespace sgwatch {

// "path[index]", the path of one element of an array.
std::string indexed_path(const std::string& path, size_t index);

class JsonFields {
 public:
  // `path` is the object's own path ("" at the top level of a document).
  JsonFields(simdjson::dom::object object, std::string path)
      : object_(object), path_(std::move(path)) {}

  // "path.key", or "key" at the top level.
  std::string path(std::string_view key) const;
  const std::string& path() const { return path_; }

  // The member `key`, or nullopt when it is absent or null.
  std::optional<simdjson::dom::element> member(std::string_view key) const;

  Result<std::optional<std::string>> optional_string(std::string_view key) const;
  // Absent: "path.key: missing".
  Result<std::string> required_string(std::string_view key) const;
  // Descriptions and tag values: absent means empty.
  Result<std::string> string_or_empty(std::string_view key) const;

  // An integer that fits an int; larger ones are "path.key: N is out of range".
  Result<std::optional<int>> optional_int(std::string_view key) const;
  Result<bool> required_bool(std::string_view key) const;
  Result<simdjson::dom::object> required_object(std::string_view key) const;

  // An instant written as ISO 8601 text or as a number of epoch seconds.
  Result<Timestamp> required_time(std::string_view key) const;
  // An integer (AWS Config writes configurationStateId as a number) or a string of digits,
  // as decimal text; "" when absent.
  Result<std::string> decimal_text(std::string_view key) const;

  // The string member `key` parsed as `Id` (GroupId, AccountId, Region, ...); the error
  // names the member.
  template <typename Id>
  Result<Id> required_id(std::string_view key) const {
    auto text = required_string(key);
    if (!text) return tl::unexpected(text.error());
    return parse_id<Id>(key, *text);
  }

  // The same, where absent, null or an empty string means none, as in core/ip_permission.cc.
  template <typename Id>
  Result<std::optional<Id>> optional_id(std::string_view key) const {
    auto text = optional_string(key);
    if (!text) return tl::unexpected(text.error());
    if (!*text || (*text)->empty()) return std::optional<Id>();
    auto id = parse_id<Id>(key, **text);
    if (!id) return tl::unexpected(id.error());
    return std::optional<Id>(*id);
  }

  // Calls `each(element, path)` for every element of the array `key`, if present; stops at
  // the first error and returns it.
  template <typename Each>
  Status for_each_element(std::string_view key, Each&& each) const {
    auto value = member(key);
    if (!value) return {};
    simdjson::dom::array list;
    if (value->get_array().get(list) != simdjson::SUCCESS) {
      return wrong_json_type(path(key), "an array", *value);
    }
    size_t index = 0;
    for (simdjson::dom::element item : list) {
      if (Status status = each(item, indexed_path(path(key), index++)); !status) return status;
    }
    return {};
  }

  // The same for arrays whose elements must be objects: calls `each(object, path)`.
  template <typename Each>
  Status for_each_object(std::string_view key, Each&& each) const {
    return for_each_element(key, [&](simdjson::dom::element item, const std::string& item_path) {
      simdjson::dom::object item_object;
      if (item.get_object().get(item_object) != simdjson::SUCCESS) {
        return Status(wrong_json_type(item_path, "an object", item));
      }
      return Status(each(item_object, item_path));
    });
  }

 private:
  template <typename Id>
  Result<Id> parse_id(std::string_view key, std::string_view text) const {
    auto id = Id::parse(text);
    if (!id) return tl::unexpected(id.error().within(path(key)));
    return *id;
  }

  simdjson::dom::object object_;
  std::string path_;
};

}  // namespace sgwatch
