// Observing one account and region through the EC2 API: every security group, page by
// page (DescribeSecurityGroups, 1000 a page), and the rule ids of chosen groups
// (DescribeSecurityGroupRules). A partial read is never a snapshot: if any page fails,
// the whole read fails, so nothing in the scope can look removed.
#pragma once

#include <functional>
#include <map>
#include <vector>

#include "app/record_snapshot.h"
#include "aws/credentials.h"
#include "aws/query_client.h"

namespace sgwatch {

// Decides, group by group as pages arrive, whether the snapshot keeps a group; `index` is
// where a kept group lands in Snapshot::groups. An error ends the read.
using GroupFilter = std::function<Result<bool>(const Group& group, size_t index)>;

// Reads every group of `scope` as of `observed_at` (the caller's clock reading when the
// read began). With `keep`, only the groups it accepts are held, so memory follows a
// page rather than the scope.
Result<Snapshot> read_scope_snapshot(QueryClient& client, const AwsCredentials& credentials,
                                     const Scope& scope, Timestamp observed_at,
                                     const GroupFilter& keep = {});

// One group of `scope` as it is now: DescribeSecurityGroups filtered by its id, which
// answers an empty list (not an error) for a group that does not exist, so nullopt means
// deleted and a failed call is never taken for that.
Result<std::optional<Group>> read_group(QueryClient& client, const AwsCredentials& credentials,
                                        const Scope& scope, const GroupId& group);

// The rules, with their ids, of `groups` in `scope`: DescribeSecurityGroupRules filtered
// by group id, 200 ids a call (EC2's limit on filter values), every page.
Result<std::map<GroupId, std::vector<Rule>>> read_rule_ids(QueryClient& client,
                                                           const AwsCredentials& credentials,
                                                           const Scope& scope,
                                                           const std::vector<GroupId>& groups);

// The regions enabled for the account (DescribeRegions, asked in `region`): what
// `regions = all` means. Regions the account has not opted into are left out, since every
// call there would fail.
Result<std::vector<Region>> read_enabled_regions(QueryClient& client,
                                                 const AwsCredentials& credentials,
                                                 const Region& region);

// One DescribeSecurityGroups call of at most 5 groups in `region`: whether the credentials
// may read the region's groups at all (`validate`'s check). Returns the groups on the page
// and whether there are more.
struct GroupsProbe {
  size_t groups_on_page = 0;
  bool more = false;
};
Result<GroupsProbe> probe_security_groups(QueryClient& client, const AwsCredentials& credentials,
                                          const Region& region);

}  // namespace sgwatch
