// Validated identifiers of AWS things. Each is parsed once at the edge; the core holds
// only values that passed parse(), so it never re-checks raw strings.
#pragma once

#include <algorithm>
#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace sgwatch {

// "'sg-x' is not a valid security group id (sg- and 8 or 17 hex digits)". Not a template,
// so the many files that hold ids do not each compile the formatting.
Error invalid_id_error(std::string_view text, const char* what, const char* shape);

// A short string that passed a validator. Tag supplies kWhat and kShape (for messages)
// and `static bool valid(std::string_view)`. Held inline: a snapshot holds millions of
// ids, and a heap allocation each would double its memory.
template <typename Tag>
class ValidatedId {
 public:
  static constexpr size_t kCapacity = 23;  // "sgr-" + 17 hex digits is 21

  static Result<ValidatedId> parse(std::string_view text) {
    if (text.size() > kCapacity || !Tag::valid(text)) {
      return tl::unexpected(invalid_id_error(text, Tag::kWhat, Tag::kShape));
    }
    return ValidatedId(text);
  }
  std::string_view view() const { return {chars_.data(), size_}; }
  std::string str() const { return std::string(view()); }
  // Unused bytes are zero and ids hold no zero bytes, so comparing the arrays compares
  // the strings.
  auto operator<=>(const ValidatedId&) const = default;
  bool operator==(const ValidatedId&) const = default;

 private:
  explicit ValidatedId(std::string_view text) : size_(static_cast<uint8_t>(text.size())) {
    std::copy(text.begin(), text.end(), chars_.begin());
  }
  std::array<char, kCapacity> chars_{};
  uint8_t size_ = 0;
};

// True when `text` is `prefix` followed by 8 or 17 lowercase hex digits, the two
// lengths EC2 has used for resource ids.
bool is_resource_id(std::string_view text, std::string_view prefix);

struct RegionTag {
  static constexpr const char* kWhat = "AWS region";
  static constexpr const char* kShape = "like us-east-1 or us-gov-west-1";
  static bool valid(std::string_view text);
};
struct AccountIdTag {
  static constexpr const char* kWhat = "AWS account id";
  static constexpr const char* kShape = "12 digits";
  static bool valid(std::string_view text);
};
struct GroupIdTag {
  static constexpr const char* kWhat = "security group id";
  static constexpr const char* kShape = "sg- and 8 or 17 hex digits";
  static bool valid(std::string_view text) { return is_resource_id(text, "sg-"); }
};
struct RuleIdTag {
  static constexpr const char* kWhat = "security group rule id";
  static constexpr const char* kShape = "sgr- and 8 or 17 hex digits";
  static bool valid(std::string_view text) { return is_resource_id(text, "sgr-"); }
};
struct VpcIdTag {
  static constexpr const char* kWhat = "VPC id";
  static constexpr const char* kShape = "vpc- and 8 or 17 hex digits";
  static bool valid(std::string_view text) { return is_resource_id(text, "vpc-"); }
};
struct PrefixListIdTag {
  static constexpr const char* kWhat = "prefix list id";
  static constexpr const char* kShape = "pl- and 8 or 17 hex digits";
  static bool valid(std::string_view text) { return is_resource_id(text, "pl-"); }
};
struct PeeringIdTag {
  static constexpr const char* kWhat = "VPC peering connection id";
  static constexpr const char* kShape = "pcx- and 8 or 17 hex digits";
  static bool valid(std::string_view text) { return is_resource_id(text, "pcx-"); }
};

using Region = ValidatedId<RegionTag>;
using AccountId = ValidatedId<AccountIdTag>;
using GroupId = ValidatedId<GroupIdTag>;
using RuleId = ValidatedId<RuleIdTag>;
using VpcId = ValidatedId<VpcIdTag>;
using PrefixListId = ValidatedId<PrefixListIdTag>;
using PeeringId = ValidatedId<PeeringIdTag>;

}  // namespace sgwatch
