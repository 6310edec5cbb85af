// "Did you mean ...?" for mistyped config keys: the declared name a wrong one is closest to,
// when it is close enough to be a slip of the fingers rather than a different word.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sgwatch {

// Edits (insert, delete, substitute, swap two neighbours) turning `a` into `b`: the optimal
// string alignment variant of Damerau-Levenshtein. Case is ignored, and '-' equals '_',
// since `Role-Arn` for `role_arn` is the same name typed differently.
std::size_t name_distance(std::string_view a, std::string_view b);

// The candidate closest to `wrong`, when at most 2 edits away and fewer edits than half the
// shorter name's length (so `x` suggests nothing); ties go to the earlier candidate.
std::optional<std::string> closest_name(std::string_view wrong,
                                        const std::vector<std::string>& candidates);

}  // namespace sgwatch
