// What the emulator starts with: accounts and their IAM users, roles and web identity
// tokens, security groups, SES identities and configuration sets, SNS topics, the AWS
// Config recorder, and generated bulk for scale tests. Read from a JSON file:
//
// {
//   "regions": ["us-east-1", "eu-west-1"],
//   "accounts": [{
//     "id": "111122223333",
//     "users": [{"name": "alice", "access_key_id": "AKIA...", "secret_access_key": "...",
//                "deny": ["ec2:AuthorizeSecurityGroupIngress"]}],
//     "roles": [{"name": "sgwatch-reader", "external_id": "x", "deny": []}],
//     "instance_role": "sgwatch-reader",
//     "web_identity_tokens": ["eyJ..."],
//     "groups": [{"region": "eu-west-1", "name": "web", "description": "web tier",
//                 "tags": {"OwnerDL": "a@example.com"},
//                 "ingress": [{"protocol": "tcp", "from_port": 443, "to_port": 443,
//                              "cidr": "0.0.0.0/0", "description": "https"}],
//                 "egress": []}],
//     "generate": [{"region": "us-east-1", "groups": 10000, "rules_per_group": 10}],
//     "ses": {"identities": [{"region": "us-east-1", "identity": "alerts@example.com",
//                             "status": "Success"}],
//             "configuration_sets": [{"region": "us-east-1", "name": "alerts"}]},
//     "sqs": {"queues": [{"region": "eu-west-1", "name": "sg-events",
//                         "attributes": {"VisibilityTimeout": "30",
//                                        "RedrivePolicy": {"deadLetterTargetArn": "arn:...",
//                                                          "maxReceiveCount": "3"}}}]},
//     "events": {"rules": [{"region": "eu-west-1", "queue": "sg-events"}]},
//     "sns": {"topics": [{"region": "eu-west-1", "name": "alerts",
//                         "signature_version": "2",
//                         "subscriptions": [{"queue": "config-queue", "raw": false}]}]},
//     "config": {"recorder": true, "sns_topic": "config-topic", "regions": ["eu-west-1"]}
//   }]
// }
//
// "sqs" makes queues (attributes as CreateQueue takes them; numbers and objects are
// turned into the strings SQS expects). "events" adds EventBridge rule targets: each rule
// forwards the trail's security-group calls of its "region" (absent or "*": every region)
// to "queue", a queue ARN or the name of the account's queue in that region (for an
// all-regions rule, in the first region served). A topic's "subscriptions" subscribe
// queues of its region (name or ARN), with "raw" setting RawMessageDelivery. Queues are made
// before rules and topics, which must name existing queues.
//
// "config" turns the Config recorder on ("recorder", default true) and sends the items of
// each region in "regions" (default: every region served) to the account's topic
// "sns_topic" there, made if missing. Groups seeded in the same account are made before
// the recorder starts, so they have no items until they change.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

namespace sgwatch::emulator {

class Emulator;

// The regions a seed document names (empty when it names none).
std::vector<std::string> seed_regions(const nlohmann::json& seed);

// Applies a seed document to a running emulator. Errors name the JSON path.
tl::expected<void, std::string> apply_seed(Emulator& emulator, const nlohmann::json& seed);

// A small seed for tests and the demo: account 111122223333 with user "admin"
// (AKIAEMULATORADMIN000 / "emulator-admin-secret"), user "readonly" denied every EC2
// mutation, role "sgwatch-reader" (external id "sgwatch") as the instance role, and the
// verified SES identity alerts@example.com in us-east-1 and eu-west-1.
nlohmann::json default_seed();

}  // namespace sgwatch::emulator
