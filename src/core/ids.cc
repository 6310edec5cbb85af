#include "core/ids.h"

#include <algorithm>
#include <cctype>

namespace sgwatch {
namespace {

bool all_of(std::string_view text, int (*pred)(int)) {
  return std::all_of(text.begin(), text.end(),
                     [pred](char c) { return pred(static_cast<unsigned char>(c)) != 0; });
}
int is_lower_hex(int c) { return std::isdigit(c) || (c >= 'a' && c <= 'f'); }
int is_lower_alpha(int c) { return c >= 'a' && c <= 'z'; }

}  // namespace

Error invalid_id_error(std::string_view text, const char* what, const char* shape) {
  return Error{ErrorCode::kInvalidInput,
               "'" + std::string(text) + "' is not a valid " + what + " (" + shape + ")"};
}

bool is_resource_id(std::string_view text, std::string_view prefix) {
  if (!text.starts_with(prefix)) return false;
  std::string_view hex = text.substr(prefix.size());
  return (hex.size() == 8 || hex.size() == 17) && all_of(hex, is_lower_hex);
}

// Regions are dash-separated lowercase words ending in a number: us-east-1,
// ap-southeast-4, us-gov-west-1, cn-north-1, us-isob-east-1, eu-central-2.
bool RegionTag::valid(std::string_view text) {
  if (text.size() < 6 || text.size() > 23) return false;
  size_t last_dash = text.rfind('-');
  if (last_dash == std::string_view::npos || last_dash + 1 == text.size()) return false;
  if (!all_of(text.substr(last_dash + 1), ::isdigit)) return false;
  std::string_view words = text.substr(0, last_dash);
  int count = 0;
  size_t start = 0;
  while (start <= words.size()) {
    size_t end = words.find('-', start);
    if (end == std::string_view::npos) end = words.size();
    std::string_view word = words.substr(start, end - start);
    if (word.empty() || !all_of(word, is_lower_alpha)) return false;
    ++count;
    start = end + 1;
  }
  return count >= 2;
}

bool AccountIdTag::valid(std::string_view text) {
  return text.size() == 12 && all_of(text, ::isdigit);
}

}  // namespace sgwatch
