// Internal header of the CloudTrail record parser (record_parser.cc, record_actor.cc,
// rule_payloads.cc, group_events.cc); not part of sgwatch's interface: include
// trail/record_parser.h instead.
// The small JSON-reading helpers every part of the parser shares: Node, typed access to one
// object's members whose errors name the member by its path; how keys are matched (Keys)
// and the wrappers tolerant keys strip (unwrap); pass() to forward an error; and the two
// ApiCall helpers the payload readers share (effect_for, request_group). Node's members are
// defined in the class, as they were in the one-file parser: they run for every member read.
#pragma once

#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <simdjson.h>

#include "core/error.h"
#include "core/json_element.h"
#include "trail/api_call.h"

namespace sgwatch::trail_detail {

using simdjson::SUCCESS;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

template <typename T>
tl::unexpected<Error> pass(const Result<T>& result) {
  return tl::unexpected(result.error());
}

// How an object's keys are looked up.
enum class Keys {
  kExact,
  kAnyCase,   // userIdentity: some tools lower-case every key
  kTolerant,  // any case, and a value may be wrapped in a one-element list or in
              // {"content": ...}: ModifySecurityGroupRules' request is a converted Query
              // request whose shape varies between records
};

// Strips the wrappers Keys::kTolerant allows.
element unwrap(element value);

// Typed access to one JSON object's members; errors name the member by its path. Absent
// and null are the same: CloudTrail writes null for parameters a call did not take.
class Node {
 public:
  Node(object obj, std::string path, Keys keys = Keys::kExact)
      : obj_(obj), path_(std::move(path)), keys_(keys) {}
  // An object with no members, standing in for one the record leaves out.
  static Node absent(std::string path) {
    Node node(object(), std::move(path));
    node.absent_ = true;
    return node;
  }

  std::string path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  const std::string& path() const { return path_; }
  Keys keys() const { return keys_; }
  Node with_keys(Keys keys) const {
    Node node(obj_, path_, keys);
    node.absent_ = absent_;
    return node;
  }

  std::optional<element> member(std::string_view key) const {
    if (absent_) return std::nullopt;
    element value;
    auto found = keys_ == Keys::kExact ? obj_.at_key(key) : obj_.at_key_case_insensitive(key);
    if (found.get(value) != SUCCESS) return std::nullopt;
    if (keys_ == Keys::kTolerant) value = unwrap(value);
    if (value.is_null()) return std::nullopt;
    return value;
  }

  Result<std::optional<std::string_view>> string(std::string_view key) const {
    auto value = member(key);
    if (!value) return std::optional<std::string_view>();
    std::string_view text;
    if (value->get_string().get(text) != SUCCESS) return wrong_json_type(path(key), "a string", *value);
    return std::optional<std::string_view>(text);
  }

  Result<std::string> string_or_empty(std::string_view key) const {
    auto text = string(key);
    if (!text) return pass(text);
    return std::string(text->value_or(""));
  }

  Result<std::string_view> required_string(std::string_view key) const {
    auto text = string(key);
    if (!text) return pass(text);
    if (!*text) return invalid(path(key) + ": missing");
    return **text;
  }

  // An empty string counts as absent, as in core/ip_permission.cc.
  template <typename Id>
  Result<std::optional<Id>> id(std::string_view key) const {
    auto text = string(key);
    if (!text) return pass(text);
    if (!*text || (*text)->empty()) return std::optional<Id>();
    auto parsed = Id::parse(**text);
    if (!parsed) return tl::unexpected(parsed.error().within(path(key)));
    return std::optional<Id>(*parsed);
  }

  template <typename Id>
  Result<Id> required_id(std::string_view key) const {
    auto parsed = id<Id>(key);
    if (!parsed) return pass(parsed);
    if (!*parsed) return invalid(path(key) + ": missing");
    return **parsed;
  }

  // Ports arrive as numbers or as strings ("443"), depending on the record's writer.
  Result<std::optional<int>> port(std::string_view key) const {
    auto value = member(key);
    if (!value) return std::optional<int>();
    int64_t number = 0;
    std::string_view text;
    if (value->get_int64().get(number) == SUCCESS) {
      if (number < std::numeric_limits<int>::min() || number > std::numeric_limits<int>::max()) {
        return invalid(path(key) + ": " + std::to_string(number) + " is not a port");
      }
      return std::optional<int>(int(number));
    }
    if (value->get_string().get(text) == SUCCESS) {
      int parsed = 0;
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
      if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
        return invalid(path(key) + ": '" + std::string(text) + "' is not a port");
      }
      return std::optional<int>(parsed);
    }
    return wrong_json_type(path(key), "a port (a number or a string)", *value);
  }

  // A protocol: a string ("tcp", "6", "-1") or, from some writers, a number.
  Result<std::string> protocol(std::string_view key) const {
    auto value = member(key);
    if (!value) return invalid(path(key) + ": missing");
    std::string_view text;
    int64_t number = 0;
    if (value->get_string().get(text) == SUCCESS) return std::string(text);
    if (value->get_int64().get(number) == SUCCESS) return std::to_string(number);
    return wrong_json_type(path(key), "a protocol", *value);
  }

  Result<std::optional<bool>> boolean(std::string_view key) const {
    auto value = member(key);
    if (!value) return std::optional<bool>();
    bool flag = false;
    std::string_view text;
    if (value->get_bool().get(flag) == SUCCESS) return std::optional<bool>(flag);
    if (value->get_string().get(text) == SUCCESS && (text == "true" || text == "false")) {
      return std::optional<bool>(text == "true");
    }
    return wrong_json_type(path(key), "a boolean", *value);
  }

  Result<std::optional<Node>> child(std::string_view key, Keys keys) const {
    auto value = member(key);
    if (!value) return std::optional<Node>();
    object obj;
    if (value->get_object().get(obj) != SUCCESS) return wrong_json_type(path(key), "an object", *value);
    return std::optional<Node>(Node(obj, path(key), keys));
  }
  Result<std::optional<Node>> child(std::string_view key) const { return child(key, keys_); }

  // Calls `each(Node)` for every object of a list, which is either EC2's `{"items": [...]}`
  // (`wrapped`) or a plain array; either may be absent or empty. A single object where
  // a list is expected is taken as a list of one when the keys are tolerant.
  template <typename Each>
  Status for_each(std::string_view key, bool wrapped, Each&& each) const {
    auto value = member(key);
    if (!value) return {};
    std::string list_path = path(key);
    if (wrapped) {
      object holder;
      if (value->get_object().get(holder) != SUCCESS) {
        return wrong_json_type(list_path, "an object with items", *value);
      }
      element items;
      if (holder.at_key("items").get(items) != SUCCESS || items.is_null()) return {};
      value = items;
      list_path += ".items";
    }
    array list;
    if (value->get_array().get(list) != SUCCESS) {
      object single;
      if (keys_ == Keys::kTolerant && value->get_object().get(single) == SUCCESS) {
        return each(Node(single, list_path, keys_));
      }
      return wrong_json_type(list_path, "an array", *value);
    }
    size_t index = 0;
    for (element item : list) {
      std::string item_path = list_path + "[" + std::to_string(index++) + "]";
      if (keys_ == Keys::kTolerant) item = unwrap(item);
      object obj;
      if (item.get_object().get(obj) != SUCCESS) return wrong_json_type(item_path, "an object", item);
      if (Status status = each(Node(obj, std::move(item_path), keys_)); !status) return status;
    }
    return {};
  }

 private:
  object obj_;
  std::string path_;
  Keys keys_;
  bool absent_ = false;
};

// ---- shared by the security-group payload readers ----

// The effect of `call` on `group`, added (empty) on first use.
GroupEffect& effect_for(ApiCall& call, const GroupId& group);

// The group a request names: groupId, else (EC2-Classic, default VPC) groupName, kept in
// ApiCall::group_name.
Result<std::optional<GroupId>> request_group(const Node& params, ApiCall& call);

}  // namespace sgwatch::trail_detail
