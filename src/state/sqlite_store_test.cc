// The SQLite store's revisions, history, current state, remembered callers and rule ids,
// and its cycle commits; the file itself (schema, upgrades, foreign files, the writer lock)
// is sqlite_store_file_test.cc.
#include "state/sqlite_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "sqlite_store_fixture.h"

namespace sgwatch::sqlite_store_test {
namespace {

using namespace sqlite_store_testing;
namespace fs = std::filesystem;

TEST_F(SqliteStoreTest, ANewStoreIsReadableByItsGroupNotByOthersAndKeepsItsWalFiles) {
  const mode_t umask_before = ::umask(022);
  {
    auto store = writer();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->commit(cycle(1000, {{gid(kGroupA), group(kGroupA, {tcp_rule(22)})}})));
  }
  ::umask(umask_before);
  auto mode_of = [](const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 0777;
  };
  EXPECT_EQ(mode_of(dir_ + "/state"), 0750u);
  EXPECT_EQ(mode_of(path_), 0640u);
  // Closed, the writer left the files a reader without write access needs.
  EXPECT_EQ(mode_of(path_ + "-wal"), 0640u);
  EXPECT_EQ(mode_of(path_ + "-shm"), 0640u);
}

TEST_F(SqliteStoreTest, RoundTripsRevisionsAcrossReopening) {
  Group a = group(kGroupA, {tcp_rule(22), tcp_rule(3389, "0.0.0.0/0")});
  Group b = group(kGroupB, {tcp_rule(80)}, "lb");
  {
    auto store = writer();
    ASSERT_TRUE(store);
    CycleWrite c = cycle(1700000000123, {{a.id, a}, {b.id, b}});
    c.groups_seen = 7;
    c.partial = true;
    ASSERT_TRUE(store->commit(c));
  }
  // Operators read the store through the group; nobody else may.
  EXPECT_EQ(fs::status(dir_ + "/state").permissions() & fs::perms::all,
            fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
  EXPECT_EQ(fs::status(path_).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);

  auto reader = SqliteStore::open_reader(path_);
  ASSERT_TRUE(reader.has_value()) << reader.error().message;
  auto latest = (*reader)->latest(a.id);
  ASSERT_TRUE(latest.has_value()) << latest.error().message;
  ASSERT_TRUE(latest->has_value());
  const Revision& rev = **latest;
  EXPECT_GT(rev.number, 0);
  EXPECT_EQ(rev.scope, scope());
  EXPECT_EQ(rev.group, a.id);
  EXPECT_EQ(rev.observed_at, at_ms(1700000000123));
  ASSERT_FALSE(rev.deleted());
  EXPECT_EQ(json_of(*rev.content), json_of(a));
  EXPECT_EQ(rev.content_hash, content_hash(a));

  auto snapshot = (*reader)->last_snapshot(scope());
  ASSERT_TRUE(snapshot.has_value() && snapshot->has_value());
  EXPECT_EQ((*snapshot)->observed_at, at_ms(1700000000123));
  EXPECT_TRUE((*snapshot)->partial);
  EXPECT_EQ((*snapshot)->groups_seen, 7u);
  EXPECT_EQ((*reader)->last_snapshot(scope("eu-west-1")).value(), std::nullopt);
  EXPECT_EQ((*reader)->latest(gid(kGroupC)).value(), std::nullopt);
}

TEST_F(SqliteStoreTest, StoresContentWithoutRuleIds) {
  auto rule_id = RuleId::parse("sgr-0123456789abcdef0").value();
  Group a = group(kGroupA, {tcp_rule(22, "10.0.0.0/8", rule_id)});
  auto store = writer();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->commit(cycle(1000, {{a.id, a}})));
  std::string stored = raw_query(path_, "SELECT content FROM revisions");
  EXPECT_NE(stored.find("10.0.0.0/8"), std::string::npos) << stored;
  EXPECT_EQ(stored.find("sgr-"), std::string::npos) << stored;
  auto latest = store->latest(a.id).value();
  ASSERT_TRUE(latest && latest->content);
  EXPECT_FALSE(latest->content->rules.at(0).id.has_value());
}

TEST_F(SqliteStoreTest, RevisionAtTime) {
  auto store = writer();
  ASSERT_TRUE(store);
  write_three_revisions_of_a(*store);
  const GroupId a = gid(kGroupA);

  EXPECT_EQ(store->revision_at(a, at_ms(999)).value(), std::nullopt);
  auto exactly_first = store->revision_at(a, at_ms(1000)).value();
  ASSERT_TRUE(exactly_first && exactly_first->content);
  EXPECT_EQ(exactly_first->content->rules.size(), 1u);
  auto between = store->revision_at(a, at_ms(1999)).value();
  ASSERT_TRUE(between && between->content);
  EXPECT_EQ(between->number, exactly_first->number);
  auto exactly_second = store->revision_at(a, at_ms(2000)).value();
  ASSERT_TRUE(exactly_second && exactly_second->content);
  EXPECT_EQ(exactly_second->content->rules.size(), 2u);
  auto after_deletion = store->revision_at(a, at_ms(99999)).value();
  ASSERT_TRUE(after_deletion);
  EXPECT_TRUE(after_deletion->deleted());
  EXPECT_EQ(after_deletion->content_hash, "");
  EXPECT_EQ(after_deletion->observed_at, at_ms(3000));
  EXPECT_EQ(store->latest(a).value()->number, after_deletion->number);
}

TEST_F(SqliteStoreTest, RevisionAtTimePrefersTheLaterOfTwoAtTheSameInstant) {
  auto store = writer();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->commit(cycle(1000, {{gid(kGroupA), group(kGroupA, {tcp_rule(22)})}})));
  ASSERT_TRUE(store->commit(cycle(1000, {{gid(kGroupA), group(kGroupA, {tcp_rule(80)})}})));
  auto rev = store->revision_at(gid(kGroupA), at_ms(1000)).value();
  ASSERT_TRUE(rev && rev->content);
  EXPECT_EQ(rev->content->rules.at(0).ports.from, 80);
}

TEST_F(SqliteStoreTest, HistoryIsOldestFirst) {
  auto store = writer();
  ASSERT_TRUE(store);
  write_three_revisions_of_a(*store);
  auto history = store->history(gid(kGroupA));
  ASSERT_TRUE(history.has_value()) << history.error().message;
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].observed_at, at_ms(1000));
  EXPECT_EQ((*history)[1].observed_at, at_ms(2000));
  EXPECT_EQ((*history)[2].observed_at, at_ms(3000));
  EXPECT_LT((*history)[0].number, (*history)[1].number);
  EXPECT_LT((*history)[1].number, (*history)[2].number);
  EXPECT_EQ((*history)[1].content->rules.size(), 2u);
  EXPECT_TRUE((*history)[2].deleted());
  EXPECT_TRUE(store->history(gid(kGroupB)).value().empty());
}

TEST_F(SqliteStoreTest, CurrentGroupsSkipsDeletedAndOtherScopes) {
  auto store = writer();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->commit(cycle(1000, {{gid(kGroupA), group(kGroupA, {tcp_rule(22)})},
                                         {gid(kGroupB), group(kGroupB, {tcp_rule(80)})}})));
  ASSERT_TRUE(store->commit(cycle(2000, {{gid(kGroupA), group(kGroupA, {tcp_rule(443)})},
                                         {gid(kGroupB), std::nullopt}})));
  ASSERT_TRUE(store->commit(
      cycle(1500, {{gid(kGroupC), group(kGroupC, {tcp_rule(25)})}}, scope("eu-west-1"))));

  auto current = store->current_groups(scope());
  ASSERT_TRUE(current.has_value()) << current.error().message;
  ASSERT_EQ(current->size(), 1u);
  EXPECT_EQ((*current)[0].group, gid(kGroupA));
  EXPECT_EQ((*current)[0].observed_at, at_ms(2000));
  EXPECT_EQ((*current)[0].content->rules.at(0).ports.from, 443);

  auto other = store->current_groups(scope("eu-west-1")).value();
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0].group, gid(kGroupC));
  EXPECT_TRUE(store->current_groups(scope("ap-south-1")).value().empty());
}

TEST_F(SqliteStoreTest, CurrentHashesAreThoseOfTheLatestLiveRevisions) {
  auto store = writer();
  ASSERT_TRUE(store);
  const Group first = group(kGroupA, {tcp_rule(22)});
  const Group second = group(kGroupA, {tcp_rule(443)});
  ASSERT_TRUE(store->commit(cycle(1000, {{gid(kGroupA), first},
                                         {gid(kGroupB), group(kGroupB, {tcp_rule(80)})}})));
  ASSERT_TRUE(store->commit(cycle(2000, {{gid(kGroupA), second}, {gid(kGroupB), std::nullopt}})));
  ASSERT_TRUE(store->commit(
      cycle(1500, {{gid(kGroupC), group(kGroupC, {tcp_rule(25)})}}, scope("eu-west-1"))));

  auto hashes = store->current_hashes(scope());
  ASSERT_TRUE(hashes.has_value()) << hashes.error().message;
  ASSERT_EQ(hashes->size(), 1u);  // B's latest revision is its deletion; C is elsewhere
  EXPECT_EQ((*hashes)[0].group, gid(kGroupA));
  EXPECT_EQ((*hashes)[0].content_hash, content_hash(second));
  EXPECT_NE((*hashes)[0].content_hash, content_hash(first));

  // A group that comes back is current again, with its new content.
  ASSERT_TRUE(store->commit(cycle(3000, {{gid(kGroupB), group(kGroupB, {tcp_rule(8080)})}})));
  EXPECT_EQ(store->current_hashes(scope()).value().size(), 2u);
}

TEST_F(SqliteStoreTest, RememberedCallersOutliveTheProcessAndOldKeysAreForgotten) {
  const Timestamp now = at_ms(1000LL * 86400 * 30);
  {
    auto store = writer();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->remember_caller_identity(
        "ASIAOLDSESSION000000", {AccountId::parse("123456789012").value(), "arn:aws:sts::123456789012:assumed-role/r/s"},
        now - std::chrono::hours(24 * 8)));
    ASSERT_TRUE(store->remember_caller_identity(
        "AKIAKEPTKEY000000000", {AccountId::parse("123456789012").value(), "arn:aws:iam::123456789012:user/u"}, now));
  }
  auto reader = SqliteStore::open_reader(path_);
  ASSERT_TRUE(reader.has_value()) << reader.error().message;
  auto kept = (*reader)->caller_identity("AKIAKEPTKEY000000000");
  ASSERT_TRUE(kept && *kept);
  EXPECT_EQ((*kept)->account.str(), "123456789012");
  EXPECT_EQ((*kept)->arn, "arn:aws:iam::123456789012:user/u");
  EXPECT_FALSE((*reader)->caller_identity("ASIAOLDSESSION000000").value().has_value())
      << "a key unseen for over a week is forgotten when another is remembered";
  EXPECT_FALSE((*reader)->remember_caller_identity("AKIAX", {AccountId::parse("123456789012").value(), "x"}, now));
}

TEST_F(SqliteStoreTest, RuleIdsAreUpsertedAndOutliveTheirRule) {
  auto store = writer();
  ASSERT_TRUE(store);
  const std::string ssh = tcp_rule(22).key_string();
  const std::string https = tcp_rule(443).key_string();
  auto id = [](const char* text) { return RuleId::parse(text).value(); };

  CycleWrite first = cycle(1000, {{gid(kGroupA), group(kGroupA, {tcp_rule(22), tcp_rule(443)})}});
  first.rule_ids[gid(kGroupA)] = {{ssh, id("sgr-00000000000000001")},
                                  {https, id("sgr-00000000000000002")}};
  ASSERT_TRUE(store->commit(first));
  // The https rule is gone; ssh was re-created with a new id.
  CycleWrite second = cycle(2000, {{gid(kGroupA), group(kGroupA, {tcp_rule(22)})}});
  second.rule_ids[gid(kGroupA)] = {{ssh, id("sgr-00000000000000003")}};
  ASSERT_TRUE(store->commit(second));

  auto ids = store->rule_ids(scope(), gid(kGroupA));
  ASSERT_TRUE(ids.has_value()) << ids.error().message;
  ASSERT_EQ(ids->size(), 2u);
  EXPECT_EQ(ids->at(ssh), id("sgr-00000000000000003"));
  EXPECT_EQ(ids->at(https), id("sgr-00000000000000002"));
  EXPECT_TRUE(store->rule_ids(scope("eu-west-1"), gid(kGroupA)).value().empty());
  EXPECT_TRUE(store->rule_ids(scope(), gid(kGroupB)).value().empty());
}

TEST_F(SqliteStoreTest, ACycleBeforeTheLastSnapshotWritesNothing) {
  auto store = writer();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->commit(cycle(2000, {{gid(kGroupA), group(kGroupA, {tcp_rule(22)})}})));

  CycleWrite late = cycle(1000, {{gid(kGroupB), group(kGroupB, {tcp_rule(80)})}});
  late.rule_ids[gid(kGroupB)] = {
      {tcp_rule(80).key_string(), RuleId::parse("sgr-00000000000000009").value()}};
  auto refused = store->commit(late);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(refused.error().message.find("time order"), std::string::npos)
      << refused.error().message;

  EXPECT_TRUE(store->history(gid(kGroupB)).value().empty());
  EXPECT_TRUE(store->rule_ids(scope(), gid(kGroupB)).value().empty());
  EXPECT_EQ(store->last_snapshot(scope()).value()->observed_at, at_ms(2000));
  // The refusal left no transaction open.
  EXPECT_TRUE(store->commit(cycle(2000, {{gid(kGroupB), group(kGroupB, {tcp_rule(80)})}})));
}

TEST_F(SqliteStoreTest, AFailureMidCommitRollsEverythingBack) {
  auto store = writer();
  ASSERT_TRUE(store);
  // The snapshot record is written last, after the revisions and rule ids.
  raw_exec(path_,
           "CREATE TRIGGER fail_snapshot BEFORE INSERT ON snapshots "
           "BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
  CycleWrite c = cycle(1000, {{gid(kGroupA), group(kGroupA, {tcp_rule(22)})},
                              {gid(kGroupB), std::nullopt}});
  c.rule_ids[gid(kGroupA)] = {
      {tcp_rule(22).key_string(), RuleId::parse("sgr-00000000000000001").value()}};
  auto failed = store->commit(c);
  ASSERT_FALSE(failed.has_value());
  EXPECT_NE(failed.error().message.find("injected failure"), std::string::npos)
      << failed.error().message;
  EXPECT_NE(failed.error().message.find(path_), std::string::npos) << failed.error().message;

  EXPECT_EQ(raw_query(path_, "SELECT count(*) FROM revisions"), "0");
  EXPECT_EQ(raw_query(path_, "SELECT count(*) FROM rule_ids"), "0");
  EXPECT_EQ(store->last_snapshot(scope()).value(), std::nullopt);

  raw_exec(path_, "DROP TRIGGER fail_snapshot");
  ASSERT_TRUE(store->commit(c));
  EXPECT_EQ(store->history(gid(kGroupA)).value().size(), 1u);
}

TEST_F(SqliteStoreTest, RefusesAMalformedCycle) {
  auto store = writer();
  ASSERT_TRUE(store);
  auto misfiled = store->commit(cycle(1000, {{gid(kGroupA), group(kGroupB, {})}}));
  ASSERT_FALSE(misfiled.has_value());
  EXPECT_EQ(misfiled.error().code, ErrorCode::kInvalidInput);
  auto twice = store->commit(cycle(1000, {{gid(kGroupA), std::nullopt},
                                          {gid(kGroupA), group(kGroupA, {})}}));
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(store->last_snapshot(scope()).value(), std::nullopt);
}

TEST_F(SqliteStoreTest, ACorruptRowIsAnErrorNamingTheRevision) {
  auto store = writer();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->commit(cycle(1000, {{gid(kGroupA), group(kGroupA, {tcp_rule(22)})}})));
  const int64_t number = store->latest(gid(kGroupA)).value()->number;
  raw_exec(path_, "UPDATE revisions SET content = '{\"id\": 5' WHERE number = " +
                      std::to_string(number));
  for (auto result : {store->history(gid(kGroupA)), store->current_groups(scope())}) {
    ASSERT_FALSE(result.has_value());
    EXPECT_NE(result.error().message.find("revision " + std::to_string(number)),
              std::string::npos)
        << result.error().message;
  }
}

TEST_F(SqliteStoreTest, ListsEveryScopeWithASnapshotInOrder) {
  auto store = writer();
  ASSERT_TRUE(store);
  EXPECT_TRUE(store->scopes().value().empty());
  const Scope other{AccountId::parse("000011112222").value(), Region::parse("us-west-2").value()};
  ASSERT_TRUE(store->commit(cycle(1000, {{gid(kGroupA), group(kGroupA, {tcp_rule(22)})}},
                                  scope("eu-west-1"))));
  ASSERT_TRUE(store->commit(cycle(1000, {}, scope("ap-south-1"))));  // empty, still observed
  ASSERT_TRUE(store->commit(cycle(1000, {}, other)));
  ASSERT_TRUE(store->commit(cycle(2000, {{gid(kGroupA), std::nullopt}}, scope("eu-west-1"))));

  store.reset();
  auto reader = SqliteStore::open_reader(path_);
  ASSERT_TRUE(reader) << reader.error().message;
  auto scopes = (*reader)->scopes();
  ASSERT_TRUE(scopes) << scopes.error().message;
  EXPECT_EQ(*scopes, (std::vector<Scope>{other, scope("ap-south-1"), scope("eu-west-1")}));
}

}  // namespace
}  // namespace sgwatch::sqlite_store_test
