#include "emulator/ec2/ec2_paging.h"

#include <charconv>

#include "emulator/ec2/ec2_params.h"

namespace sgwatch::emulator {
namespace {

constexpr std::string_view kHex = "0123456789abcdef";
constexpr size_t kMinResults = 5;
constexpr size_t kMaxResults = 1000;

}  // namespace

Ec2Result<std::optional<size_t>> read_max_results(const Params& params) {
  auto text = param(params, "MaxResults");
  if (!text) return std::optional<size_t>();
  auto value = int_param(params, "MaxResults");
  if (!value || !*value || **value < static_cast<int64_t>(kMinResults) ||
      **value > static_cast<int64_t>(kMaxResults)) {
    return invalid_value("Value ( " + *text +
                         " ) for parameter maxResults is invalid. Parameter must be between " +
                         std::to_string(kMinResults) + " and " + std::to_string(kMaxResults) +
                         ".");
  }
  return std::optional<size_t>(static_cast<size_t>(**value));
}

std::string make_next_token(std::string_view kind, const std::string& last_id) {
  // Hex of "kind|id": opaque to clients, and no escaping needed in XML or URLs.
  const std::string plain = std::string(kind) + "|" + last_id;
  std::string token;
  token.reserve(plain.size() * 2);
  for (unsigned char c : plain) {
    token += kHex[c >> 4];
    token += kHex[c & 0xf];
  }
  return token;
}

Ec2Result<std::string> read_next_token(const Params& params, std::string_view kind) {
  auto token = param(params, "NextToken");
  if (!token || token->empty()) return std::string();
  auto invalid = [] { return ec2_fail("InvalidNextToken", "The specified NextToken is not valid."); };
  if (token->size() % 2 != 0) return invalid();
  std::string plain;
  for (size_t i = 0; i < token->size(); i += 2) {
    unsigned value = 0;
    auto [end, error] = std::from_chars(token->data() + i, token->data() + i + 2, value, 16);
    if (error != std::errc() || end != token->data() + i + 2) return invalid();
    plain += static_cast<char>(value);
  }
  const std::string prefix = std::string(kind) + "|";
  if (plain.compare(0, prefix.size(), prefix) != 0 || plain.size() == prefix.size()) {
    return invalid();
  }
  return plain.substr(prefix.size());
}

}  // namespace sgwatch::emulator
