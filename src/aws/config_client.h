// AWS Config's GetResourceConfigHistory, as sgwatch uses it: the newest recorded
// configuration item of one security group, for when a notification was too large for SNS
// and carried only a summary. A JSON 1.1 call through QueryClient::call_json (service
// "config", which resolves to config.<region>.amazonaws.com, or to the endpoint in
// AWS_ENDPOINT_URL_CONFIG_SERVICE).
//
// A group Config never recorded comes back from AWS as ResourceNotDiscoveredException,
// which is an error here like any other: only an answer with no items is "none".
//
// Thread-safe if the QueryClient is.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "aws/credentials.h"
#include "aws/query_client.h"
#include "core/error.h"
#include "core/ids.h"
#include "sources/config_item_json.h"

namespace sgwatch {

// The seam the Config source uses; tests fake it.
class ConfigApi {
 public:
  virtual ~ConfigApi() = default;
  // The newest recorded item of the group; nullopt when Config has none.
  virtual Result<std::optional<ConfigItem>> latest_item(const AwsCredentials& credentials,
                                                        const Region& region,
                                                        const GroupId& group) = 0;
};

class ConfigClient final : public ConfigApi {
 public:
  // `client` must outlive this.
  explicit ConfigClient(QueryClient& client);

  // One call with limit 1: Config lists items newest first. Errors name the call, the
  // group and the region.
  Result<std::optional<ConfigItem>> latest_item(const AwsCredentials& credentials,
                                                const Region& region,
                                                const GroupId& group) override;

 private:
  QueryClient& client_;
};

// --- The two halves of the call, public for tests. ---

// {"resourceType":"AWS::EC2::SecurityGroup","resourceId":"<group>","limit":1}
std::string resource_config_history_request(const GroupId& group);

// Reads a GetResourceConfigHistory answer: the first of configurationItems, or nullopt
// when the list is empty. Errors: not JSON, no configurationItems array, or a first item
// that read_config_item() rejects (a resource of another type among them), each naming
// the path, e.g. "configurationItems[0].configuration.groupId: missing".
Result<std::optional<ConfigItem>> parse_resource_config_history(std::string_view body);

}  // namespace sgwatch
