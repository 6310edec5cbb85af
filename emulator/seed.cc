#include "emulator/seed.h"

#include "emulator/emulator.h"

namespace sgwatch::emulator {
namespace {

using Json = nlohmann::json;
using Status = tl::expected<void, std::string>;

// Reads `key` of `object` as T, or `fallback` when absent; a wrong type names the path.
template <typename T>
tl::expected<T, std::string> get(const Json& object, const char* key, const std::string& path,
                                 T fallback) {
  auto found = object.find(key);
  if (found == object.end() || found->is_null()) return fallback;
  try {
    return found->get<T>();
  } catch (const Json::exception&) {
    return tl::unexpected(path + "." + key + ": has the wrong type");
  }
}

template <typename T>
tl::expected<T, std::string> required(const Json& object, const char* key,
                                      const std::string& path) {
  if (!object.contains(key)) return tl::unexpected(path + "." + key + ": missing");
  return get<T>(object, key, path, T{});
}

std::string at(const std::string& path, const char* list, size_t index) {
  return path + "." + list + "[" + std::to_string(index) + "]";
}

tl::expected<RuleRequest, std::string> rule_request(const Json& rule, const std::string& path) {
  RuleRequest request;
  auto protocol = required<std::string>(rule, "protocol", path);
  if (!protocol) return tl::unexpected(protocol.error());
  request.protocol = *protocol;
  if (rule.contains("from_port")) request.from_port = rule.value("from_port", -1);
  if (rule.contains("to_port")) request.to_port = rule.value("to_port", -1);
  request.description = rule.value("description", "");
  if (rule.contains("cidr")) {
    request.peer.value = rule.value("cidr", "");
    request.peer.kind = request.peer.value.find(':') == std::string::npos ? PeerKind::kIpv4
                                                                          : PeerKind::kIpv6;
  } else if (rule.contains("prefix_list")) {
    request.peer = PeerRequest{PeerKind::kPrefixList, rule.value("prefix_list", ""), "", "", "", ""};
  } else if (rule.contains("group")) {
    request.peer = PeerRequest{PeerKind::kGroup, rule.value("group", ""), "", "", "", ""};
  } else {
    return tl::unexpected(path + ": a rule needs one of cidr, prefix_list or group");
  }
  return request;
}

Status seed_groups(Emulator& emulator, const std::string& account, const Json& groups,
                   const std::string& path) {
  for (size_t i = 0; i < groups.size(); ++i) {
    const Json& group = groups[i];
    const std::string where = at(path, "groups", i);
    auto region = required<std::string>(group, "region", where);
    auto name = required<std::string>(group, "name", where);
    if (!region) return tl::unexpected(region.error());
    if (!name) return tl::unexpected(name.error());
    auto tags = get<Tags>(group, "tags", where, {});
    if (!tags) return tl::unexpected(tags.error());
    auto id = emulator.ec2().create_group(account, *region, *name,
                                          group.value("description", *name),
                                          group.value("vpc", ""), *tags);
    if (!id) return tl::unexpected(where + ": " + id.error().message);
    for (bool egress : {false, true}) {
      const char* list = egress ? "egress" : "ingress";
      std::vector<RuleRequest> rules;
      const Json& entries = group.contains(list) ? group[list] : Json::array();
      for (size_t j = 0; j < entries.size(); ++j) {
        auto rule = rule_request(entries[j], at(where, list, j));
        if (!rule) return tl::unexpected(rule.error());
        rules.push_back(*rule);
      }
      if (rules.empty()) continue;
      auto added = emulator.ec2().authorize(account, *region, *id, egress, rules);
      if (!added) return tl::unexpected(where + "." + list + ": " + added.error().message);
    }
  }
  return {};
}

// An identity's status defaults to Success: a seed names identities mostly so that sends
// from them are accepted.
Status seed_ses(Emulator& emulator, const std::string& account, const Json& ses,
                const std::string& path) {
  if (!ses.is_object()) return tl::unexpected(path + ": must be an object");
  const Json empty = Json::array();
  const Json& identities = ses.contains("identities") ? ses["identities"] : empty;
  if (!identities.is_array()) return tl::unexpected(path + ".identities: must be an array");
  for (size_t i = 0; i < identities.size(); ++i) {
    const std::string where = at(path, "identities", i);
    auto region = required<std::string>(identities[i], "region", where);
    auto identity = required<std::string>(identities[i], "identity", where);
    auto status_text = get<std::string>(identities[i], "status", where, "Success");
    for (const auto* field : {&region, &identity, &status_text}) {
      if (!*field) return tl::unexpected(field->error());
    }
    if (identity->empty()) return tl::unexpected(where + ".identity: must not be empty");
    auto status = ses_verification_from(*status_text);
    if (!status) {
      return tl::unexpected(where + ".status: '" + *status_text +
                            "' is not one of Pending, Success, Failed, TemporaryFailure, "
                            "NotStarted");
    }
    emulator.ses().set_identity(account, *region, *identity, *status);
  }
  const Json& sets = ses.contains("configuration_sets") ? ses["configuration_sets"] : empty;
  if (!sets.is_array()) return tl::unexpected(path + ".configuration_sets: must be an array");
  for (size_t i = 0; i < sets.size(); ++i) {
    const std::string where = at(path, "configuration_sets", i);
    auto region = required<std::string>(sets[i], "region", where);
    auto name = required<std::string>(sets[i], "name", where);
    if (!region) return tl::unexpected(region.error());
    if (!name) return tl::unexpected(name.error());
    emulator.ses().add_configuration_set(account, *region, *name);
  }
  return {};
}

// A queue's ARN from a seed's "queue": an ARN as is, or a name of the account's queue in
// `region`, which must exist by then.
tl::expected<std::string, std::string> queue_arn(Emulator& emulator, const std::string& account,
                                                 const std::string& region,
                                                 const std::string& queue,
                                                 const std::string& where) {
  const std::string arn =
      queue.starts_with("arn:") ? queue : "arn:aws:sqs:" + region + ":" + account + ":" + queue;
  auto found = emulator.sqs().arn_of(arn);
  if (!found) {
    return tl::unexpected(where + ".queue: no queue '" + queue + "' in " + region +
                          " (list it under sqs.queues)");
  }
  return *found;
}

// SQS queues, with CreateQueue's attributes; numbers and objects (a RedrivePolicy) are
// taken as the strings SQS expects.
Status seed_sqs(Emulator& emulator, const std::string& account, const Json& sqs,
                const std::string& path) {
  if (!sqs.is_object()) return tl::unexpected(path + ": must be an object");
  const Json empty = Json::array();
  const Json& queues = sqs.contains("queues") ? sqs["queues"] : empty;
  if (!queues.is_array()) return tl::unexpected(path + ".queues: must be an array");
  for (size_t i = 0; i < queues.size(); ++i) {
    const std::string where = at(path, "queues", i);
    auto region = required<std::string>(queues[i], "region", where);
    auto name = required<std::string>(queues[i], "name", where);
    if (!region) return tl::unexpected(region.error());
    if (!name) return tl::unexpected(name.error());
    std::map<std::string, std::string> attributes;
    if (queues[i].contains("attributes")) {
      const Json& given = queues[i]["attributes"];
      if (!given.is_object()) return tl::unexpected(where + ".attributes: must be an object");
      for (const auto& [key, value] : given.items()) {
        attributes[key] = value.is_string() ? value.get<std::string>() : value.dump();
      }
    }
    auto url = emulator.sqs().create_queue(account, *region, *name, attributes);
    if (!url) return tl::unexpected(where + ": " + url.error().message);
  }
  return {};
}

// The EventBridge rule's targets: each a queue, for one region or (no "region", or "*")
// for all. A queue named, not given as an ARN, is the account's queue in the rule's region,
// or for an all-regions rule in the first region the emulator serves.
Status seed_events(Emulator& emulator, const std::string& account, const Json& events,
                   const std::string& path) {
  if (!events.is_object()) return tl::unexpected(path + ": must be an object");
  const Json empty = Json::array();
  const Json& rules = events.contains("rules") ? events["rules"] : empty;
  if (!rules.is_array()) return tl::unexpected(path + ".rules: must be an array");
  for (size_t i = 0; i < rules.size(); ++i) {
    const std::string where = at(path, "rules", i);
    auto region = get<std::string>(rules[i], "region", where, "*");
    auto queue = required<std::string>(rules[i], "queue", where);
    if (!region) return tl::unexpected(region.error());
    if (!queue) return tl::unexpected(queue.error());
    const bool all = *region == "*" || region->empty();
    const std::string home = all ? (emulator.options().regions.empty()
                                        ? "us-east-1"
                                        : emulator.options().regions.front())
                                 : *region;
    auto arn = queue_arn(emulator, account, home, *queue, where);
    if (!arn) return tl::unexpected(arn.error());
    emulator.events().forward_to(all ? "" : *region, *arn);
  }
  return {};
}

// SNS topics, each with its signature version ("1" unless given) and its queue
// subscriptions ({"queue": name or ARN, "raw": false}).
Status seed_sns(Emulator& emulator, const std::string& account, const Json& sns,
                const std::string& path) {
  if (!sns.is_object()) return tl::unexpected(path + ": must be an object");
  const Json empty = Json::array();
  const Json& topics = sns.contains("topics") ? sns["topics"] : empty;
  if (!topics.is_array()) return tl::unexpected(path + ".topics: must be an array");
  for (size_t i = 0; i < topics.size(); ++i) {
    const std::string where = at(path, "topics", i);
    auto region = required<std::string>(topics[i], "region", where);
    auto name = required<std::string>(topics[i], "name", where);
    auto version = get<std::string>(topics[i], "signature_version", where, "1");
    for (const auto* field : {&region, &name, &version}) {
      if (!*field) return tl::unexpected(field->error());
    }
    auto arn = emulator.sns().create_topic(*region, account, *name);
    if (!arn) return tl::unexpected(where + ".name: " + arn.error().message);
    auto set = emulator.sns().set_topic_attribute(*arn, "SignatureVersion", *version);
    if (!set) return tl::unexpected(where + ".signature_version: " + set.error().message);
    const Json& subscriptions =
        topics[i].contains("subscriptions") ? topics[i]["subscriptions"] : empty;
    if (!subscriptions.is_array()) {
      return tl::unexpected(where + ".subscriptions: must be an array");
    }
    for (size_t j = 0; j < subscriptions.size(); ++j) {
      const std::string entry = at(where, "subscriptions", j);
      auto queue = required<std::string>(subscriptions[j], "queue", entry);
      auto raw = get<bool>(subscriptions[j], "raw", entry, false);
      if (!queue) return tl::unexpected(queue.error());
      if (!raw) return tl::unexpected(raw.error());
      auto target = queue_arn(emulator, account, *region, *queue, entry);
      if (!target) return tl::unexpected(target.error());
      auto subscribed = emulator.sns().subscribe(*arn, *target, "sqs", *raw);
      if (!subscribed) return tl::unexpected(entry + ": " + subscribed.error().message);
    }
  }
  return {};
}

// The Config recorder: on or off, and the topic each region's items go to. The topic is
// made in the account and each region when missing; "regions" defaults to every region
// the emulator serves.
Status seed_config(Emulator& emulator, const std::string& account, const Json& config,
                   const std::string& path) {
  if (!config.is_object()) return tl::unexpected(path + ": must be an object");
  auto recorder = get<bool>(config, "recorder", path, true);
  auto topic = get<std::string>(config, "sns_topic", path, "");
  auto regions = get<std::vector<std::string>>(config, "regions", path,
                                               emulator.options().regions);
  if (!recorder) return tl::unexpected(recorder.error());
  if (!topic) return tl::unexpected(topic.error());
  if (!regions) return tl::unexpected(regions.error());
  for (const auto& [key, value] : config.items()) {
    if (key != "recorder" && key != "sns_topic" && key != "regions") {
      return tl::unexpected(path + "." + key + ": unknown key (recorder, sns_topic, regions)");
    }
  }
  if (!topic->empty()) {
    for (const std::string& region : *regions) {
      auto arn = emulator.sns().create_topic(region, account, *topic);
      if (!arn) return tl::unexpected(path + ".sns_topic: " + arn.error().message);
      emulator.config().deliver_to(region, *arn);
    }
  }
  emulator.config().set_recording(*recorder);
  return {};
}

Status seed_account(Emulator& emulator, const Json& account, const std::string& path) {
  auto id = required<std::string>(account, "id", path);
  if (!id) return tl::unexpected(id.error());
  const Json empty = Json::array();
  const Json& users = account.contains("users") ? account["users"] : empty;
  for (size_t i = 0; i < users.size(); ++i) {
    const std::string where = at(path, "users", i);
    auto name = required<std::string>(users[i], "name", where);
    auto key = required<std::string>(users[i], "access_key_id", where);
    auto secret = required<std::string>(users[i], "secret_access_key", where);
    auto deny = get<std::set<std::string>>(users[i], "deny", where, {});
    for (const auto* field : {&name, &key, &secret}) {
      if (!*field) return tl::unexpected(field->error());
    }
    if (!deny) return tl::unexpected(deny.error());
    emulator.identities().add_user(*id, *name, *key, *secret, *deny);
  }
  const Json& roles = account.contains("roles") ? account["roles"] : empty;
  for (size_t i = 0; i < roles.size(); ++i) {
    const std::string where = at(path, "roles", i);
    auto name = required<std::string>(roles[i], "name", where);
    if (!name) return tl::unexpected(name.error());
    auto deny = get<std::set<std::string>>(roles[i], "deny", where, {});
    if (!deny) return tl::unexpected(deny.error());
    emulator.identities().add_role(Role{*id, *name, roles[i].value("external_id", ""), "", *deny});
  }
  if (auto role = get<std::string>(account, "instance_role", path, ""); !role) {
    return tl::unexpected(role.error());
  } else if (!role->empty()) {
    emulator.identities().set_instance_role("arn:aws:iam::" + *id + ":role/" + *role);
  }
  auto tokens = get<std::vector<std::string>>(account, "web_identity_tokens", path, {});
  if (!tokens) return tl::unexpected(tokens.error());
  for (const std::string& token : *tokens) emulator.identities().add_web_identity_token(token);

  if (account.contains("groups")) {
    if (auto seeded = seed_groups(emulator, *id, account["groups"], path); !seeded) return seeded;
  }
  const Json& generate = account.contains("generate") ? account["generate"] : empty;
  for (size_t i = 0; i < generate.size(); ++i) {
    const std::string where = at(path, "generate", i);
    auto region = required<std::string>(generate[i], "region", where);
    auto groups = required<size_t>(generate[i], "groups", where);
    auto rules = get<size_t>(generate[i], "rules_per_group", where, 10);
    if (!region) return tl::unexpected(region.error());
    if (!groups) return tl::unexpected(groups.error());
    if (!rules) return tl::unexpected(rules.error());
    auto made = emulator.ec2().seed_generated(*id, *region, *groups, *rules);
    if (!made) return tl::unexpected(where + ": " + made.error().message);
  }
  if (account.contains("ses")) {
    if (auto seeded = seed_ses(emulator, *id, account["ses"], path + ".ses"); !seeded) {
      return seeded;
    }
  }
  // Queues first: topics and rules name them.
  if (account.contains("sqs")) {
    if (auto seeded = seed_sqs(emulator, *id, account["sqs"], path + ".sqs"); !seeded) {
      return seeded;
    }
  }
  if (account.contains("events")) {
    if (auto seeded = seed_events(emulator, *id, account["events"], path + ".events");
        !seeded) {
      return seeded;
    }
  }
  if (account.contains("sns")) {
    if (auto seeded = seed_sns(emulator, *id, account["sns"], path + ".sns"); !seeded) {
      return seeded;
    }
  }
  if (account.contains("config")) {
    if (auto seeded = seed_config(emulator, *id, account["config"], path + ".config");
        !seeded) {
      return seeded;
    }
  }
  return {};
}

}  // namespace

std::vector<std::string> seed_regions(const nlohmann::json& seed) {
  if (!seed.is_object() || !seed.contains("regions") || !seed["regions"].is_array()) return {};
  std::vector<std::string> regions;
  for (const Json& region : seed["regions"]) {
    if (region.is_string()) regions.push_back(region.get<std::string>());
  }
  return regions;
}

tl::expected<void, std::string> apply_seed(Emulator& emulator, const nlohmann::json& seed) {
  if (!seed.is_object()) return tl::unexpected(std::string("the seed must be a JSON object"));
  if (!seed.contains("accounts")) return {};
  const Json& accounts = seed["accounts"];
  if (!accounts.is_array()) return tl::unexpected(std::string("accounts: must be an array"));
  for (size_t i = 0; i < accounts.size(); ++i) {
    const std::string path = "accounts[" + std::to_string(i) + "]";
    if (!accounts[i].is_object()) return tl::unexpected(path + ": must be an object");
    if (auto seeded = seed_account(emulator, accounts[i], path); !seeded) return seeded;
  }
  return {};
}

nlohmann::json default_seed() {
  return {{"regions", {"us-east-1", "eu-west-1"}},
          {"accounts",
           {{{"id", "111122223333"},
             {"users",
              {{{"name", "admin"},
                {"access_key_id", "AKIAEMULATORADMIN000"},
                {"secret_access_key", "emulator-admin-secret"}},
               {{"name", "readonly"},
                {"access_key_id", "AKIAEMULATORREAD0000"},
                {"secret_access_key", "emulator-readonly-secret"},
                {"deny",
                 {"ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup",
                  "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress",
                  "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
                  "ec2:ModifySecurityGroupRules", "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
                  "ec2:UpdateSecurityGroupRuleDescriptionsEgress", "ec2:CreateTags",
                  "ec2:DeleteTags"}}}}},
             {"roles", {{{"name", "sgwatch-reader"}, {"external_id", "sgwatch"}}}},
             {"instance_role", "sgwatch-reader"},
             {"ses",
              {{"identities",
                {{{"region", "us-east-1"}, {"identity", "alerts@example.com"}},
                 {{"region", "eu-west-1"}, {"identity", "alerts@example.com"}}}}}}}}}};
}

}  // namespace sgwatch::emulator
