#include "sources/ec2_snapshot.h"

#include "aws/ec2_xml.h"

namespace sgwatch {
namespace {

constexpr const char* kEc2Version = "2016-11-15";
constexpr const char* kPageSize = "1000";
constexpr size_t kFilterValuesPerCall = 200;

}  // namespace

Result<Snapshot> read_scope_snapshot(QueryClient& client, const AwsCredentials& credentials,
                                     const Scope& scope, Timestamp observed_at,
                                     const GroupFilter& keep) {
  Snapshot snapshot{scope, observed_at, {}, false, {}};
  std::vector<GroupId> listed;  // every group, kept or not, to catch a shifted listing
  std::optional<std::string> token;
  int page_number = 0;
  do {
    ++page_number;
    QueryCall call{"ec2", scope.region.str(), "DescribeSecurityGroups", kEc2Version,
                   {{"MaxResults", kPageSize}}};
    if (token) call.params.emplace_back("NextToken", *token);
    auto body = client.call(call, &credentials);
    if (!body) {
      return tl::unexpected(body.error().within("reading page " + std::to_string(page_number) +
                                                " of the groups of " + scope.str()));
    }
    auto page = parse_describe_security_groups_xml(*body);
    if (!page) {
      return tl::unexpected(page.error().within("page " + std::to_string(page_number) +
                                                " of the groups of " + scope.str()));
    }
    for (Group& group : page->groups) {
      listed.push_back(group.id);
      if (keep) {
        auto kept = keep(group, snapshot.groups.size());
        if (!kept) return tl::unexpected(kept.error().within(scope.str()));
        if (!*kept) continue;
      }
      snapshot.groups.push_back(std::move(group));
    }
    token = page->next_token;
  } while (token);
  // A group seen on two pages means the listing shifted under us: not a snapshot.
  if (auto twice = first_duplicate(std::move(listed))) {
    return invalid(twice->str() + " appeared on two pages of " + scope.str() +
                   "; the listing changed while it was read");
  }
  return snapshot;
}

Result<std::optional<Group>> read_group(QueryClient& client, const AwsCredentials& credentials,
                                        const Scope& scope, const GroupId& group) {
  QueryCall call{"ec2", scope.region.str(), "DescribeSecurityGroups", kEc2Version,
                 {{"Filter.1.Name", "group-id"}, {"Filter.1.Value.1", group.str()}}};
  const std::string what = group.str() + " of " + scope.str();
  auto body = client.call(call, &credentials);
  if (!body) return tl::unexpected(body.error().within("reading " + what));
  auto page = parse_describe_security_groups_xml(*body);
  if (!page) return tl::unexpected(page.error().within(what));
  std::optional<Group> found;
  for (Group& listed : page->groups) {
    if (listed.id != group) {
      return invalid("reading " + what + ": the answer holds " + listed.id.str() +
                     ", which was not asked for");
    }
    found = std::move(listed);
  }
  return found;
}

Result<std::map<GroupId, std::vector<Rule>>> read_rule_ids(QueryClient& client,
                                                           const AwsCredentials& credentials,
                                                           const Scope& scope,
                                                           const std::vector<GroupId>& groups) {
  std::map<GroupId, std::vector<Rule>> rules;
  for (size_t start = 0; start < groups.size(); start += kFilterValuesPerCall) {
    std::optional<std::string> token;
    do {
      QueryCall call{"ec2", scope.region.str(), "DescribeSecurityGroupRules", kEc2Version,
                     {{"MaxResults", kPageSize}, {"Filter.1.Name", "group-id"}}};
      size_t end = std::min(groups.size(), start + kFilterValuesPerCall);
      for (size_t i = start; i < end; ++i) {
        call.params.emplace_back("Filter.1.Value." + std::to_string(i - start + 1), groups[i].str());
      }
      if (token) call.params.emplace_back("NextToken", *token);
      auto body = client.call(call, &credentials);
      if (!body) return tl::unexpected(body.error().within("reading rule ids in " + scope.str()));
      auto page = parse_describe_security_group_rules_xml(*body);
      if (!page) return tl::unexpected(page.error().within("rule ids in " + scope.str()));
      for (auto& [group, rule] : page->rules) rules[group].push_back(std::move(rule));
      token = page->next_token;
    } while (token);
  }
  return rules;
}

Result<std::vector<Region>> read_enabled_regions(QueryClient& client,
                                                 const AwsCredentials& credentials,
                                                 const Region& region) {
  QueryCall call{"ec2", region.str(), "DescribeRegions", kEc2Version, {}};
  auto body = client.call(call, &credentials);
  if (!body) return tl::unexpected(body.error().within("listing the enabled regions"));
  auto names = parse_describe_regions_xml(*body);
  if (!names) return tl::unexpected(names.error().within("the DescribeRegions response"));
  std::vector<Region> regions;
  for (const std::string& name : *names) {
    auto parsed = Region::parse(name);
    if (!parsed) return tl::unexpected(parsed.error().within("the DescribeRegions response"));
    regions.push_back(*parsed);
  }
  if (regions.empty()) return invalid("DescribeRegions listed no region");
  return regions;
}

Result<GroupsProbe> probe_security_groups(QueryClient& client, const AwsCredentials& credentials,
                                          const Region& region) {
  // 5 is the smallest page EC2 accepts.
  QueryCall call{"ec2", region.str(), "DescribeSecurityGroups", kEc2Version,
                 {{"MaxResults", "5"}}};
  auto body = client.call(call, &credentials);
  if (!body) return tl::unexpected(body.error());
  auto page = parse_describe_security_groups_xml(*body);
  if (!page) return tl::unexpected(page.error().within("the DescribeSecurityGroups response"));
  return GroupsProbe{page->groups.size(), page->next_token.has_value()};
}

}  // namespace sgwatch
