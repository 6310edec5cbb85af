// The account several departments share, as the end-to-end alert tests and the benchmarks
// stage it in the emulator: account 111122223333 in eu-west-1, with sgwatch's own user
// (the identity sgwatch runs as) and department B's (the one making changes), plus any
// users a test adds. No gtest here: the benchmarks use it too.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "core/clock.h"
#include "emulator/emulator.h"
#include "emulator/seed.h"
#include "emulator_env.h"

namespace sgwatch::testing {

inline constexpr char kSharedAccount[] = "111122223333";
inline constexpr char kSharedRegion[] = "eu-west-1";
inline constexpr char kDeptBArn[] = "arn:aws:iam::111122223333:user/dept-b";
inline const EmulatorIdentity kSgwatchIdentity{"AKIAEMULATORSGWATCH0", "sgw"};
inline const EmulatorIdentity kDeptBIdentity{"AKIAEMULATORDEPTB000", "dpb"};

// The seed (emulator/seed.h) of the shared account; `more_users` are user objects of the
// seed's format, appended after sgwatch's and department B's.
inline nlohmann::json shared_account_seed(
    const nlohmann::json& more_users = nlohmann::json::array()) {
  nlohmann::json users = nlohmann::json::array();
  users.push_back({{"name", "sgwatch"},
                   {"access_key_id", kSgwatchIdentity.access_key_id},
                   {"secret_access_key", kSgwatchIdentity.secret_access_key}});
  users.push_back({{"name", "dept-b"},
                   {"access_key_id", kDeptBIdentity.access_key_id},
                   {"secret_access_key", kDeptBIdentity.secret_access_key}});
  for (const nlohmann::json& user : more_users) users.push_back(user);
  nlohmann::json account = {{"id", kSharedAccount}, {"users", users}};
  return {{"regions", nlohmann::json::array({kSharedRegion})},
          {"accounts", nlohmann::json::array({account})}};
}

// An emulator serving only the shared account's region, seeded with the shared account.
// `clock` must outlive it.
inline tl::expected<std::unique_ptr<emulator::Emulator>, std::string> start_shared_account(
    const Clock& clock, const nlohmann::json& more_users = nlohmann::json::array()) {
  emulator::EmulatorOptions options;
  options.regions = {kSharedRegion};
  auto started = emulator::Emulator::start(options, clock);
  if (!started) return started;
  if (auto seeded = emulator::apply_seed(**started, shared_account_seed(more_users)); !seeded) {
    return tl::unexpected(seeded.error());
  }
  return started;
}

}  // namespace sgwatch::testing
