#include "emulator/emulator.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "emulator/cloudtrail/cloudtrail_service.h"
#include "emulator/ec2/ec2_xml.h"
#include "emulator/sigv4_verifier.h"

namespace sgwatch::emulator {
namespace {

// AWS caps Query request bodies far above anything sgwatch's tests send; this only stops
// a runaway client.
constexpr size_t kMaxBody = 16 * 1024 * 1024;

Params query_params(const Request& request) {
  httplib::Params decoded;  // a multimap; httplib's decoder is exported by the library
  if (!request.query.empty()) httplib::detail::parse_query_text(request.query, decoded);
  if (request.header("Content-Type").starts_with("application/x-www-form-urlencoded")) {
    httplib::detail::parse_query_text(request.body, decoded);
  }
  return Params(decoded.begin(), decoded.end());
}

std::string query_param(const Params& params, const std::string& name) {
  auto found = params.find(name);
  return found == params.end() ? "" : found->second;
}

Response json_response(int status, const nlohmann::json& body) {
  return Response{status, "application/json", body.dump(), {}, Response::Delivery::kWhole};
}

// The protocols the emulator's API services speak, each with its own error shape. SES, SNS
// and STS share the Query error document but not its namespace, nor every code; Config
// and CloudTrail share the JSON one.
// SQS speaks both JSON 1.0 and Query, and answers each in its own shape.
enum class Dialect { kEc2, kSts, kCloudTrail, kSes, kSns, kConfig, kSqsQuery, kSqsJson };

Dialect sqs_dialect(const Request& request) {
  return sqs_wire_of(request) == SqsWire::kJson ? Dialect::kSqsJson : Dialect::kSqsQuery;
}

// Config reads groups back after a change under a caller of its own, whose reads are kept
// out of the trail (sgwatch's tests count what the trail holds).
constexpr char kConfigReaderKey[] = "config.amazonaws.com";

// The dialect an answer must be written in: the verified credential scope's service, or,
// when the signature could not be verified, what the scope or X-Amz-Target claims.
Dialect dialect_of(const Request& request, const std::string* verified_service) {
  if (verified_service != nullptr) {
    if (*verified_service == "sts") return Dialect::kSts;
    if (*verified_service == "cloudtrail") return Dialect::kCloudTrail;
    if (*verified_service == "ses") return Dialect::kSes;
    if (*verified_service == "sns") return Dialect::kSns;
    if (*verified_service == "config") return Dialect::kConfig;
    if (*verified_service == "sqs") return sqs_dialect(request);
    return Dialect::kEc2;
  }
  const std::string authorization = request.header("Authorization");
  if (authorization.find("/sts/aws4_request") != std::string::npos) return Dialect::kSts;
  if (authorization.find("/ses/aws4_request") != std::string::npos) return Dialect::kSes;
  if (authorization.find("/sns/aws4_request") != std::string::npos) return Dialect::kSns;
  if (authorization.find("/sqs/aws4_request") != std::string::npos ||
      !sqs_operation(request.header("X-Amz-Target")).empty()) {
    return sqs_dialect(request);
  }
  if (authorization.find("/config/aws4_request") != std::string::npos ||
      !config_operation(request.header("X-Amz-Target")).empty()) {
    return Dialect::kConfig;
  }
  if (authorization.find("/cloudtrail/aws4_request") != std::string::npos ||
      !cloudtrail_operation(request.header("X-Amz-Target")).empty()) {
    return Dialect::kCloudTrail;
  }
  return Dialect::kEc2;
}

Response api_error(Dialect dialect, int status, const std::string& code,
                   const std::string& message) {
  switch (dialect) {
    case Dialect::kSts: return sts_error(status, code, message);
    case Dialect::kCloudTrail: return cloudtrail_error(status, code, message);
    case Dialect::kSes: return ses_error(status, code, message);
    case Dialect::kSns: return sns_error(status, code, message);
    case Dialect::kConfig: return config_error(status, code, message);
    case Dialect::kSqsQuery: return sqs_error(SqsWire::kQuery, status, code, message);
    case Dialect::kSqsJson: return sqs_error(SqsWire::kJson, status, code, message);
    case Dialect::kEc2: break;
  }
  return ec2_error(status, code, message);
}

Request from_httplib(const httplib::Request& req, std::string body) {
  Request request;
  request.method = req.method;
  request.path = req.path;
  size_t question = req.target.find('?');
  request.raw_path = req.target.substr(0, question);
  request.query = question == std::string::npos ? "" : req.target.substr(question + 1);
  for (const auto& [name, value] : req.headers) request.headers.emplace_back(name, value);
  request.body = std::move(body);
  request.peer_address = req.remote_addr;
  return request;
}

void to_httplib(Response response, httplib::Response& res) {
  res.status = response.status;
  for (const auto& [name, value] : response.headers) res.set_header(name, value);
  if (response.delivery == Response::Delivery::kWhole) {
    res.set_content(response.body, response.content_type.c_str());
    return;
  }
  // The full length is promised, then the provider gives up: the client sees the
  // connection close early, after half the body or right after the headers.
  size_t length = response.body.size();
  size_t cut = response.delivery == Response::Delivery::kTruncated ? length / 2 : 0;
  res.set_content_provider(
      length, response.content_type.c_str(),
      [body = std::move(response.body), cut](size_t offset, size_t, httplib::DataSink& sink) {
        if (offset < cut) sink.write(body.data() + offset, cut - offset);
        return false;
      });
}

}  // namespace

Emulator::Emulator(EmulatorOptions options, const Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      identities_(clock, options_.seed),
      ec2_(options_.regions, options_.seed),
      sts_(identities_),
      credentials_(identities_, clock, options_.regions.empty() ? "us-east-1" : options_.regions[0]),
      faults_(options_.seed),
      trail_(clock, options_.seed),
      cloudtrail_(trail_, clock),
      ses_(clock, options_.seed),
      sqs_(clock, options_.seed),
      events_([this](const std::string& arn,
                     const std::string& body) { return sqs_.send_to_arn(arn, body); },
              options_.seed),
      sns_(clock, options_.seed),
      config_(clock, sns_,
              [this](const std::string& account, const std::string& region,
                     const std::string& group_id) { return read_group(account, region, group_id); }),
      server_(std::make_unique<httplib::Server>()) {
  // Every EC2 call, refused ones included, goes into the trail; the Config recorder sees
  // each one with its trail eventID, for relatedEvents, and ignores the failed ones.
  // The EventBridge rule sees what the trail recorded, at once.
  ec2_.set_observer([this](const MutationRecord& call) {
    const std::string event_id = trail_.record(call);
    if (!event_id.empty()) {
      if (TrailEventPtr event = trail_.find(event_id)) events_.forward(event->record);
    }
    config_.observe(call, event_id);
  });
  sns_.set_queue_sink([this](const std::string& arn, const std::string& body) {
    return sqs_.send_to_arn(arn, body);
  });
  ec2_.set_read_observer([this](const MutationRecord& call) {
    if (call.caller.access_key_id != kConfigReaderKey) trail_.record(call);
  });
}

std::optional<ConfigJson> Emulator::read_group(const std::string& account,
                                               const std::string& region,
                                               const std::string& group_id) {
  Caller config;
  config.account_id = account;
  config.arn = "arn:aws:sts::" + account + ":assumed-role/AWSServiceRoleForConfig/AWSConfig";
  config.principal_id = "AROAEMULATORCONFIG000:AWSConfig";
  config.access_key_id = kConfigReaderKey;
  config.type = "AssumedRole";
  const Params params = {{"Action", "DescribeSecurityGroups"},
                         {"Version", "2016-11-15"},
                         {"GroupId.1", group_id}};
  const Response answer = ec2_.handle(config, region, params);
  if (answer.status != 200) return std::nullopt;
  return sg_configuration_from_describe(answer.body);
}

Emulator::~Emulator() { stop(); }

std::string Emulator::endpoint() const {
  return "http://" + options_.host + ":" + std::to_string(port_);
}

tl::expected<std::unique_ptr<Emulator>, std::string> Emulator::start(EmulatorOptions options,
                                                                    const Clock& clock) {
  std::unique_ptr<Emulator> emulator(new Emulator(std::move(options), clock));
  httplib::Server& server = *emulator->server_;
  // A small answer would otherwise wait out the client's delayed ACK (about 40 ms) on a
  // reused connection.
  server.set_tcp_nodelay(true);
  // Each waiting ReceiveMessage holds a worker for up to 20 s; httplib's default of 8
  // would let a few long polls starve every other call.
  server.new_task_queue = [] { return new httplib::ThreadPool(64); };
  Emulator* self = emulator.get();
  auto without_body = [self](const httplib::Request& req, httplib::Response& res) {
    to_httplib(self->handle(from_httplib(req, "")), res);
  };
  // Bodies are read through a ContentReader: httplib refuses url-encoded bodies over
  // 8 KiB otherwise, and awscli's Query calls are often larger.
  auto with_body = [self](const httplib::Request& req, httplib::Response& res,
                          const httplib::ContentReader& reader) {
    std::string body;
    bool complete = reader([&body](const char* data, size_t length) {
      body.append(data, length);
      return body.size() <= kMaxBody;
    });
    if (!complete) {
      res.status = 413;
      return;
    }
    to_httplib(self->handle(from_httplib(req, std::move(body))), res);
  };
  server.Get(".*", without_body);
  server.Delete(".*", without_body);
  server.Post(".*", with_body);
  server.Put(".*", with_body);

  const EmulatorOptions& opts = emulator->options_;
  int port = opts.port == 0 ? server.bind_to_any_port(opts.host)
                            : (server.bind_to_port(opts.host, opts.port) ? opts.port : -1);
  if (port <= 0) {
    return tl::unexpected("cannot listen on " + opts.host + ":" + std::to_string(opts.port));
  }
  emulator->port_ = port;
  emulator->sns_.set_endpoint(emulator->endpoint());
  emulator->sqs_.set_endpoint(emulator->endpoint());
  emulator->thread_ = std::thread([&server] { server.listen_after_bind(); });
  // listen_after_bind() marks the server running before it accepts; wait for that, so
  // the first request of a test cannot race the start.
  for (int i = 0; i < 5000 && !server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return emulator;
}

void Emulator::stop() {
  // First, so that the server's workers are not held in long polls while it stops.
  sqs_.stop();
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
  sns_.stop();
}

Response Emulator::handle(const Request& request) {
  if (auto answer = credentials_.handle(request)) return *answer;
  if (request.path.starts_with("/_emulator/")) return handle_admin(request);
  Response response = handle_api(request);
  spdlog::debug("Emulator answered {} {} with {}.", request.method, request.path,
                response.status);
  return response;
}

Response Emulator::handle_admin(const Request& request) {
  if (request.path == "/_emulator/health") {
    return json_response(200, {{"status", "ok"}, {"regions", options_.regions}});
  }
  if (request.path == "/_emulator/calls") {
    if (request.method == "GET") return json_response(200, calls_.to_json());
    if (request.method == "DELETE") {
      calls_.reset();
      return json_response(200, {{"reset", true}});
    }
  }
  if (request.path == "/_emulator/faults") {
    if (request.method == "DELETE") {
      faults_.clear();
      return json_response(200, {{"cleared", true}});
    }
    if (request.method == "POST") {
      nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
      auto rule = fault_from_json(body);
      if (!rule) return json_response(400, {{"error", rule.error()}});
      faults_.add(*rule);
      return json_response(200, {{"added", true}});
    }
  }
  if (request.path == "/_emulator/trail") {
    if (request.method == "GET") {
      return Response{200, "application/json", trail_.to_json().dump(), {},
                      Response::Delivery::kWhole};
    }
    if (request.method == "DELETE") {
      trail_.clear();
      return json_response(200, {{"cleared", true}});
    }
    if (request.method == "POST") {
      nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
      auto settings = trail_settings_from_json(body, trail_.settings());
      if (!settings) return json_response(400, {{"error", settings.error()}});
      trail_.apply(*settings);
      return Response{200, "application/json", trail_settings_to_json(*settings).dump(), {},
                      Response::Delivery::kWhole};
    }
  }
  if (request.path == "/_emulator/ses/messages") {
    if (request.method == "GET") {
      return Response{200, "application/json", ses_.messages_json(), {},
                      Response::Delivery::kWhole};
    }
    if (request.method == "DELETE") {
      ses_.clear_messages();
      return json_response(200, {{"cleared", true}});
    }
  }
  if (request.path == kSnsCertificatePath && request.method == "GET") {
    return Response{200, "application/x-pem-file", sns_.certificate_pem(), {},
                    Response::Delivery::kWhole};
  }
  if (request.path == "/_emulator/sns/deliveries") {
    if (request.method == "GET") {
      return Response{200, "application/json", sns_.deliveries_json(), {},
                      Response::Delivery::kWhole};
    }
    if (request.method == "DELETE") {
      sns_.clear_deliveries();
      return json_response(200, {{"cleared", true}});
    }
  }
  if (request.path == "/_emulator/sqs") {
    if (request.method == "GET") {
      return Response{200, "application/json", sqs_.to_json().dump(), {},
                      Response::Delivery::kWhole};
    }
    if (request.method == "DELETE") {
      sqs_.clear();
      return json_response(200, {{"cleared", true}});
    }
  }
  if (request.path == "/_emulator/events") {
    if (request.method == "GET") {
      return Response{200, "application/json", events_.to_json().dump(), {},
                      Response::Delivery::kWhole};
    }
    if (request.method == "POST") {
      // {"region": "eu-west-1" (absent or "*": every region), "queue": "<queue ARN>"}
      nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
      const std::string queue =
          body.is_object() && body.contains("queue") && body["queue"].is_string()
              ? body["queue"].get<std::string>()
              : "";
      auto arn = sqs_.arn_of(queue);
      if (!arn) return json_response(400, {{"error", "queue: no such queue: '" + queue + "'"}});
      if (body.contains("region") && !body["region"].is_string()) {
        return json_response(400, {{"error", "region: must be a string"}});
      }
      const std::string region = body.value("region", "*");
      events_.forward_to(region == "*" ? "" : region, *arn);
      return Response{200, "application/json", events_.to_json().dump(), {},
                      Response::Delivery::kWhole};
    }
    if (request.method == "DELETE") {
      events_.clear();
      return json_response(200, {{"cleared", true}});
    }
  }
  if (request.path == "/_emulator/config") {
    if (request.method == "GET") {
      ConfigJson answer = config_.settings_json();
      answer["items"] = config_.items();
      return Response{200, "application/json", answer.dump(), {}, Response::Delivery::kWhole};
    }
    if (request.method == "POST") {
      nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
      auto settings = config_.apply_settings(body);
      if (!settings) return json_response(400, {{"error", settings.error()}});
      return Response{200, "application/json", settings->dump(), {}, Response::Delivery::kWhole};
    }
    if (request.method == "DELETE") {
      config_.clear();
      return json_response(200, {{"cleared", true}});
    }
  }
  return json_response(404, {{"error", "no such admin endpoint: " + request.method + " " +
                                            request.path}});
}

Response Emulator::handle_api(const Request& request) {
  const Params params = query_params(request);
  // Query services name the action in the parameters; JSON ones (CloudTrail, Config) in a
  // header.
  const std::string target = request.header("X-Amz-Target");
  const std::string target_operation = !cloudtrail_operation(target).empty()
                                           ? cloudtrail_operation(target)
                                       : !config_operation(target).empty()
                                           ? config_operation(target)
                                           : sqs_operation(target);
  const std::string action = target_operation.empty() ? query_param(params, "Action") : target_operation;

  if (request.header("Authorization").empty()) {
    // The one call that is made before there are credentials to sign with.
    if (action == "AssumeRoleWithWebIdentity") {
      calls_.count("sts", action);
      return sts_.handle(std::nullopt, params);
    }
    // SNS's SubscribeURL and UnsubscribeURL work as plain GETs, as in SNS.
    if (action == "ConfirmSubscription" || action == "Unsubscribe") {
      calls_.count("sns", action);
      return sns_.handle_unsigned(params);
    }
    if (!config_operation(target).empty()) {
      return config_error(400, "MissingAuthenticationTokenException",
                          "Missing Authentication Token");
    }
    if (!sqs_operation(target).empty() || is_sqs_action(action)) {
      return sqs_error(sqs_wire_of(request), 403, "MissingAuthenticationToken",
                       "Request is missing Authentication Token");
    }
    if (!target_operation.empty()) {
      return cloudtrail_error(400, "MissingAuthenticationTokenException",
                              "Missing Authentication Token");
    }
    if (is_ses_action(action)) {
      return ses_error(403, "MissingAuthenticationToken",
                       "Request is missing Authentication Token");
    }
    if (is_sns_action(action)) {
      return sns_error(403, "MissingAuthenticationToken",
                       "Request is missing Authentication Token");
    }
    return ec2_error(401, "AuthFailure", "AWS was not able to validate the provided access credentials");
  }

  auto verified = verify_sigv4(
      request, [this](const std::string& key) { return identities_.secret_for(key); },
      std::chrono::time_point_cast<std::chrono::system_clock::duration>(clock_.now()));
  const Dialect dialect = dialect_of(request, verified ? &verified->service : nullptr);
  if (!verified) {
    static constexpr AuthErrorDialect kAuthDialects[] = {
        AuthErrorDialect::kEc2, AuthErrorDialect::kQuery, AuthErrorDialect::kJson,
        AuthErrorDialect::kQuery, AuthErrorDialect::kQuery, AuthErrorDialect::kJson,
        AuthErrorDialect::kQuery, AuthErrorDialect::kQuery};
    AuthError error = auth_error(verified.error(), kAuthDialects[static_cast<int>(dialect)]);
    return api_error(dialect, error.status, error.code, error.message);
  }
  // From here the service and action are known: the call counts, whatever its outcome.
  calls_.count(verified->service, action);
  auto caller = identities_.caller_for(verified->access_key_id, request.header("X-Amz-Security-Token"));
  if (!caller) {
    if (identities_.expired(verified->access_key_id)) {
      // Each service words it its own way; EC2 speaks of the request.
      switch (dialect) {
        case Dialect::kSts:
        case Dialect::kSes:
        case Dialect::kSns:
        case Dialect::kSqsQuery:
        case Dialect::kSqsJson:
          return api_error(dialect, 403, "ExpiredToken",
                           "The security token included in the request is expired");
        case Dialect::kCloudTrail:
        case Dialect::kConfig:
          return api_error(dialect, 400, "ExpiredTokenException",
                                  "The security token included in the request is expired");
        case Dialect::kEc2:
          return ec2_error(400, "RequestExpired", "Request has expired.");
      }
    }
    switch (dialect) {
      case Dialect::kSts:
      case Dialect::kSes:
      case Dialect::kSns:
      case Dialect::kSqsQuery:
      case Dialect::kSqsJson:
        return api_error(dialect, 403, "InvalidClientTokenId",
                         "The security token included in the request is invalid.");
      case Dialect::kCloudTrail:
      case Dialect::kConfig:
        return api_error(dialect, 400, "UnrecognizedClientException",
                                "The security token included in the request is invalid.");
      case Dialect::kEc2:
        return ec2_error(401, "AuthFailure",
                         "AWS was not able to validate the provided access credentials");
    }
  }

  if (auto fault = faults_.pick(verified->service, action)) {
    switch (fault->kind) {
      case FaultKind::kThrottle:
        if (dialect == Dialect::kEc2) {
          return ec2_error(503, "RequestLimitExceeded", "Request limit exceeded.");
        }
        // SES's sending rate: the throttle its senders meet most.
        if (dialect == Dialect::kSes) {
          return ses_error(400, "Throttling", "Maximum sending rate exceeded.");
        }
        if (dialect == Dialect::kSns) return sns_error(400, "Throttling", "Rate exceeded");
        if (dialect == Dialect::kSqsQuery || dialect == Dialect::kSqsJson) {
          return api_error(dialect, 400, "RequestThrottled", "Rate exceeded");
        }
        if (dialect == Dialect::kConfig) {
          return config_error(400, "ThrottlingException", "Rate exceeded");
        }
        return dialect == Dialect::kSts ? sts_error(400, "Throttling", "Rate exceeded")
                                        : cloudtrail_error(400, "ThrottlingException",
                                                           "Rate exceeded");
      case FaultKind::kServerError:
        if (dialect == Dialect::kEc2) {
          return ec2_error(500, "InternalError", "An internal error has occurred");
        }
        return api_error(dialect, 500, "InternalFailure", "An internal error has occurred");
      case FaultKind::kSlow:
        std::this_thread::sleep_for(fault->delay);
        break;
      case FaultKind::kDrop:
      case FaultKind::kTruncate: {
        Response response = dispatch(request, *verified, *caller, params, action);
        response.delivery = fault->kind == FaultKind::kDrop ? Response::Delivery::kDropped
                                                            : Response::Delivery::kTruncated;
        return response;
      }
    }
  }
  return dispatch(request, *verified, *caller, params, action);
}

Response Emulator::dispatch(const Request& request, const VerifiedSignature& verified,
                            const Caller& caller, const Params& params,
                            const std::string& action) {
  const std::string& service = verified.service;
  const std::string& region = verified.region;
  if (service == "sts") return sts_.handle(caller, params);
  const bool served = std::find(options_.regions.begin(), options_.regions.end(), region) !=
                      options_.regions.end();
  if (service == "ec2") {
    if (!served) {
      return ec2_error(401, "AuthFailure",
                       "Credential should be scoped to a valid region, not '" + region + "'.");
    }
    return ec2_.handle(caller, region, params,
                       Origin{request.peer_address, request.header("User-Agent")});
  }
  if (service == "cloudtrail") {
    if (!served) {
      return cloudtrail_error(400, "UnrecognizedClientException",
                              "Credential should be scoped to a valid region, not '" + region +
                                  "'.");
    }
    return cloudtrail_.handle(caller, region, action, request.body);
  }
  if (service == "ses") {
    if (!served) {
      return ses_error(403, "SignatureDoesNotMatch",
                       "Credential should be scoped to a valid region, not '" + region + "'.");
    }
    return ses_.handle(caller, region, params);
  }
  if (service == "sns") {
    if (!served) {
      return sns_error(403, "SignatureDoesNotMatch",
                       "Credential should be scoped to a valid region, not '" + region + "'.");
    }
    return sns_.handle(caller, region, params);
  }
  if (service == "config") {
    if (!served) {
      return config_error(400, "UnrecognizedClientException",
                          "Credential should be scoped to a valid region, not '" + region +
                              "'.");
    }
    return config_.handle(caller, region, action, request.body);
  }
  if (service == "sqs") {
    if (!served) {
      return sqs_error(sqs_wire_of(request), 403, "SignatureDoesNotMatch",
                       "Credential should be scoped to a valid region, not '" + region + "'.");
    }
    return sqs_.handle(caller, region, action, request, params);
  }
  return ec2_error(400, "InvalidAction",
                   "The emulator does not serve the service '" + service + "'.");
}

}  // namespace sgwatch::emulator
