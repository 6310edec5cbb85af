#include "core/group.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>

namespace sgwatch {

void canonicalize(Group& group) {
  for (Rule& rule : group.rules) {
    if (auto* ref = std::get_if<GroupRef>(&rule.peer); ref && !ref->user) ref->user = group.owner;
  }
  std::vector<Rule>& rules = group.rules;
  // Description breaks ties so that the order, and so which duplicate survives, does not
  // depend on the order the rules arrived in.
  std::sort(rules.begin(), rules.end(), [](const Rule& a, const Rule& b) {
    if (identity_less(a, b)) return true;
    if (identity_less(b, a)) return false;
    return a.description < b.description;
  });
  // Merge runs of equal identity in place, keeping the first.
  size_t kept = 0;
  for (size_t i = 0; i < rules.size(); ++i) {
    if (kept > 0 && same_identity(rules[kept - 1], rules[i])) {
      Rule& first = rules[kept - 1];
      if (first.description.empty()) first.description = std::move(rules[i].description);
      if (!first.id) first.id = rules[i].id;
      continue;
    }
    if (kept != i) rules[kept] = std::move(rules[i]);
    ++kept;
  }
  rules.erase(rules.begin() + static_cast<std::ptrdiff_t>(kept), rules.end());
  // Canonical groups are long-lived (a whole account's previous snapshot is held to diff
  // against), and sources build rules by appending, which can leave half the capacity
  // unused.
  if (rules.capacity() > rules.size() + rules.size() / 4) rules.shrink_to_fit();
}

std::optional<GroupId> first_duplicate(std::vector<GroupId> ids) {
  std::sort(ids.begin(), ids.end());
  auto twice = std::adjacent_find(ids.begin(), ids.end());
  if (twice == ids.end()) return std::nullopt;
  return *twice;
}

bool same_content(const Group& a, const Group& b) {
  if (a.id != b.id || a.name != b.name || a.description != b.description || a.vpc != b.vpc ||
      a.owner != b.owner || a.tags != b.tags || a.rules.size() != b.rules.size()) {
    return false;
  }
  return std::equal(a.rules.begin(), a.rules.end(), b.rules.begin(),
                    [](const Rule& x, const Rule& y) {
                      return same_identity(x, y) && x.description == y.description;
                    });
}

namespace {

// Collects fields, each length-prefixed so that no two different field sequences produce
// the same bytes, and digests them in one go (one EVP call per field costs more than
// the hashing itself).
class Hasher {
 public:
  // `buffer` is reused across groups, so hashing a snapshot allocates once, not per group.
  explicit Hasher(std::string& buffer) : bytes_(buffer) { bytes_.clear(); }
  void field(std::string_view value) {
    begin_field();
    bytes_ += value;
    end_field();
  }
  // A field written by `append` straight into the buffer.
  template <typename Append>
  void field_by(Append&& append) {
    begin_field();
    append(bytes_);
    end_field();
  }
  std::string hex() const {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(bytes_.data(), bytes_.size(), digest, &length, EVP_sha256(), nullptr);
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
      out += kDigits[digest[i] >> 4];
      out += kDigits[digest[i] & 0xF];
    }
    return out;
  }

 private:
  // The size goes in front as a native uint64, written once the field is complete.
  void begin_field() {
    start_ = bytes_.size();
    bytes_.append(sizeof(uint64_t), '\0');
  }
  void end_field() {
    const uint64_t size = bytes_.size() - start_ - sizeof(uint64_t);
    std::memcpy(bytes_.data() + start_, &size, sizeof size);
  }

  std::string& bytes_;
  size_t start_ = 0;
};

}  // namespace

std::string content_hash(const Group& group) {
  thread_local std::string buffer;
  Hasher hasher(buffer);
  hasher.field("sgwatch-group-v1");
  hasher.field(group.id.str());
  hasher.field(group.name);
  hasher.field(group.description);
  hasher.field(group.vpc ? group.vpc->str() : "");
  hasher.field(group.owner.str());
  hasher.field(std::to_string(group.tags.size()));
  for (const auto& [key, value] : group.tags) {
    hasher.field(key);
    hasher.field(value);
  }
  hasher.field(std::to_string(group.rules.size()));
  for (const Rule& rule : group.rules) {
    hasher.field_by([&](std::string& out) { rule.append_key(out); });
    hasher.field(rule.description);
  }
  return hasher.hex();
}

}  // namespace sgwatch
