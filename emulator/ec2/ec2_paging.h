// Paging for Describe calls: MaxResults (5-1000; absent means everything) and an opaque
// NextToken naming where the previous page stopped. Results are ordered by id, so a page
// boundary stays put while groups or rules are added or removed elsewhere.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "emulator/ec2/ec2_error.h"
#include "emulator/http_types.h"

namespace sgwatch::emulator {

// nullopt when absent; InvalidParameterValue when not an integer in 5..1000.
Ec2Result<std::optional<size_t>> read_max_results(const Params& params);

// A token that resumes after `last_id`; `kind` keeps one call's tokens out of another.
std::string make_next_token(std::string_view kind, const std::string& last_id);
// The id to resume after, "" when NextToken is absent; InvalidNextToken when the token is
// not one of ours for this kind of call.
Ec2Result<std::string> read_next_token(const Params& params, std::string_view kind);

}  // namespace sgwatch::emulator
