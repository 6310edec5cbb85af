// Column codecs shared by the store's tables: lists of ids kept space-separated (ids never
// contain spaces, and no query looks inside them) and a scope kept as two columns.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "core/scope.h"
#include "state/sqlite_db.h"

namespace sgwatch::sqlite {

inline std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& word : words) {
    if (!out.empty()) out += ' ';
    out += word;
  }
  return out;
}

inline std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string word; in >> word;) out.push_back(std::move(word));
  return out;
}

// The scope in columns `account_column` and the one after it (the region).
inline Result<Scope> read_scope(const Statement& row, int account_column,
                                const std::string& path) {
  auto account = AccountId::parse(row.text(account_column).value_or(""));
  if (!account) return fail(ErrorCode::kIo, where(path) + ": " + account.error().message);
  auto region = Region::parse(row.text(account_column + 1).value_or(""));
  if (!region) return fail(ErrorCode::kIo, where(path) + ": " + region.error().message);
  return Scope{std::move(*account), std::move(*region)};
}

}  // namespace sgwatch::sqlite
