// The built-in AWS emulator: EC2 security groups, STS, CloudTrail (LookupEvents over a
// trail of the EC2 calls it served), SES (mail kept, not delivered), SNS (topics with
// signed HTTP deliveries and SQS subscriptions), SQS (both its JSON and Query protocols,
// long polling, redrive), an EventBridge-style rule forwarding the trail's security-group
// calls to queues, an AWS Config recorder for security groups, IMDSv2 and the
// container credentials endpoint behind one loopback HTTP server, with SigV4 verified on every API
// call and faults injected on request. Started by `sgwatch-emulator`, by tests, and
// in-process by the demo.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <tl/expected.hpp>

#include "core/clock.h"
#include "emulator/call_counter.h"
#include "emulator/cloudtrail/cloudtrail_service.h"
#include "emulator/cloudtrail/trail_recorder.h"
#include "emulator/config/config_recorder.h"
#include "emulator/credential_endpoints.h"
#include "emulator/ec2/ec2_service.h"
#include "emulator/events/event_forwarder.h"
#include "emulator/faults.h"
#include "emulator/http_types.h"
#include "emulator/identities.h"
#include "emulator/ses/ses_service.h"
#include "emulator/sigv4_verifier.h"
#include "emulator/sns/sns_service.h"
#include "emulator/sqs/sqs_service.h"
#include "emulator/sts_service.h"

namespace httplib {
class Server;
}

namespace sgwatch::emulator {

struct EmulatorOptions {
  std::string host = "127.0.0.1";  // loopback unless asked otherwise
  int port = 0;                    // 0: any free port; see Emulator::port()
  std::vector<std::string> regions = {"us-east-1", "eu-west-1"};
  uint64_t seed = 0;  // non-zero: deterministic ids and keys, for tests
};

class Emulator {
 public:
  // Binds and starts serving before it returns. `clock` must outlive the emulator.
  static tl::expected<std::unique_ptr<Emulator>, std::string> start(EmulatorOptions options,
                                                                    const Clock& clock);
  ~Emulator();
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:PORT", for --endpoint-url and AWS_ENDPOINT_URL.
  std::string endpoint() const;
  const EmulatorOptions& options() const { return options_; }

  Identities& identities() { return identities_; }
  Ec2Service& ec2() { return ec2_; }
  Faults& faults() { return faults_; }
  // The API calls received, by "service:Action" (see call_counter.h for which count);
  // also GET and DELETE /_emulator/calls.
  CallCounter& calls() { return calls_; }
  CredentialEndpoints& credential_endpoints() { return credentials_; }
  // The CloudTrail records of the EC2 calls served, and the trail's settings (delivery
  // delay, recording on or off, LookupEvents' rate limit); also /_emulator/trail.
  TrailRecorder& trail() { return trail_; }
  // SES: verified identities, configuration sets, and the mail it accepted (also GET and
  // DELETE /_emulator/ses/messages).
  SesService& ses() { return ses_; }
  // SNS: topics, subscriptions and the signed deliveries made (also GET and DELETE
  // /_emulator/sns/deliveries, and the signing certificate at certificate_url()).
  SnsService& sns() { return sns_; }
  // SQS: queues at <endpoint>/<account>/<name> (also GET and DELETE /_emulator/sqs).
  SqsService& sqs() { return sqs_; }
  // The EventBridge rule: which queues get the trail's security-group calls, per region or
  // for all (also GET, POST and DELETE /_emulator/events).
  EventForwarder& events() { return events_; }
  // AWS Config for security groups: off until configured (deliver_to(), the seed's
  // "config", or POST /_emulator/config); then each change to a group becomes a
  // configuration item published to the region's topic.
  ConfigRecorder& config() { return config_; }

  // Serves one request; what the HTTP server calls, and usable directly in tests.
  Response handle(const Request& request);

  // Wakes every waiting ReceiveMessage, stops serving, waits for the server thread and ends
  // SNS's delivery thread. Idempotent.
  void stop();

 private:
  Emulator(EmulatorOptions options, const Clock& clock);
  Response handle_api(const Request& request);
  Response dispatch(const Request& request, const VerifiedSignature& verified,
                    const Caller& caller, const Params& params, const std::string& action);
  Response handle_admin(const Request& request);
  // The group as Config reads it after a change, through EC2's DescribeSecurityGroups.
  std::optional<ConfigJson> read_group(const std::string& account, const std::string& region,
                                       const std::string& group_id);

  EmulatorOptions options_;
  const Clock& clock_;
  Identities identities_;
  Ec2Service ec2_;
  StsService sts_;
  CredentialEndpoints credentials_;
  Faults faults_;
  CallCounter calls_;
  TrailRecorder trail_;
  CloudTrailService cloudtrail_;
  SesService ses_;
  SqsService sqs_;        // before events_ and sns_, which send to it
  EventForwarder events_;
  SnsService sns_;
  ConfigRecorder config_;  // after sns_, which it publishes through
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace sgwatch::emulator
