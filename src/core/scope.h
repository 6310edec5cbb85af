// Where groups live: one account in one region. A snapshot is always of a whole scope
// (or, marked partial, of some groups in it).
#pragma once

#include <compare>
#include <string>

#include "core/ids.h"

namespace sgwatch {

struct Scope {
  AccountId account;
  Region region;

  std::string str() const { return account.str() + "/" + region.str(); }
  auto operator<=>(const Scope&) const = default;
  bool operator==(const Scope&) const = default;
};

}  // namespace sgwatch
