// ${NAME} in config strings: the value of an environment variable, so files can be shared
// and secrets kept out of them.
//   ${NAME}            the variable's value; unset or empty is an error
//   ${NAME:-fallback}  the fallback when the variable is unset or empty
//   $${                a literal "${"
//   $ before anything but {   a literal "$"
// NAME is [A-Za-z_][A-Za-z0-9_]*.
#pragma once

#include <string>
#include <string_view>

#include "core/env.h"
#include "core/error.h"

namespace sgwatch {

// Errors: kNotFound for a variable that is unset or empty without a fallback (the message
// names it); kInvalidInput for a reference that is not well formed (unterminated, bad name).
// Messages never hold variables' values.
Result<std::string> expand_env(std::string_view text, const EnvLookup& env);

// True when `text` has at least one ${...} reference (not counting $${ escapes): its value
// comes, at least in part, from the environment rather than from the text itself.
bool has_env_reference(std::string_view text);

}  // namespace sgwatch
