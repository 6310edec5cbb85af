#include "emulator/emulator.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

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

std::string param(const Params& params, const std::string& name) {
  auto found = params.find(name);
  return found == params.end() ? "" : found->second;
}

Response json_response(int status, const nlohmann::json& body) {
  return Response{status, "application/json", body.dump(), {}, Response::Delivery::kWhole};
}

// The service an API error must be written for, judged from the credential scope when
// the signature itself could not be verified.
bool scoped_to_sts(const Request& request) {
  return request.header("Authorization").find("/sts/aws4_request") != std::string::npos;
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
      server_(std::make_unique<httplib::Server>()) {}

Emulator::~Emulator() { stop(); }

std::string Emulator::endpoint() const {
  return "http://" + options_.host + ":" + std::to_string(port_);
}

tl::expected<std::unique_ptr<Emulator>, std::string> Emulator::start(EmulatorOptions options,
                                                                    const Clock& clock) {
  std::unique_ptr<Emulator> emulator(new Emulator(std::move(options), clock));
  httplib::Server& server = *emulator->server_;
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
  emulator->thread_ = std::thread([&server] { server.listen_after_bind(); });
  // listen_after_bind() marks the server running before it accepts; wait for that, so
  // the first request of a test cannot race the start.
  for (int i = 0; i < 5000 && !server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return emulator;
}

void Emulator::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
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
  return json_response(404, {{"error", "no such admin endpoint: " + request.method + " " +
                                            request.path}});
}

Response Emulator::handle_api(const Request& request) {
  const Params params = query_params(request);
  const std::string action = param(params, "Action");

  if (request.header("Authorization").empty()) {
    // The one call that is made before there are credentials to sign with.
    if (action == "AssumeRoleWithWebIdentity") {
      calls_.count("sts", action);
      return sts_.handle(std::nullopt, params);
    }
    return ec2_error(401, "AuthFailure", "AWS was not able to validate the provided access credentials");
  }

  auto verified = verify_sigv4(
      request, [this](const std::string& key) { return identities_.secret_for(key); },
      std::chrono::time_point_cast<std::chrono::system_clock::duration>(clock_.now()));
  const bool sts = verified ? verified->service == "sts" : scoped_to_sts(request);
  if (!verified) {
    AuthError error =
        auth_error(verified.error(), sts ? AuthErrorDialect::kQuery : AuthErrorDialect::kEc2);
    return sts ? sts_error(error.status, error.code, error.message)
               : ec2_error(error.status, error.code, error.message);
  }
  // From here the service and action are known: the call counts, whatever its outcome.
  calls_.count(verified->service, action);
  auto caller = identities_.caller_for(verified->access_key_id, request.header("X-Amz-Security-Token"));
  if (!caller) {
    if (identities_.expired(verified->access_key_id)) {
      // Each service words it its own way; EC2 speaks of the request.
      return sts ? sts_error(403, "ExpiredToken",
                             "The security token included in the request is expired")
                 : ec2_error(400, "RequestExpired", "Request has expired.");
    }
    return sts ? sts_error(403, "InvalidClientTokenId",
                           "The security token included in the request is invalid.")
               : ec2_error(401, "AuthFailure",
                           "AWS was not able to validate the provided access credentials");
  }

  if (auto fault = faults_.pick(verified->service, action)) {
    switch (fault->kind) {
      case FaultKind::kThrottle:
        return sts ? sts_error(400, "Throttling", "Rate exceeded")
                   : ec2_error(503, "RequestLimitExceeded", "Request limit exceeded.");
      case FaultKind::kServerError:
        return sts ? sts_error(500, "InternalFailure", "An internal error has occurred")
                   : ec2_error(500, "InternalError", "An internal error has occurred");
      case FaultKind::kSlow:
        std::this_thread::sleep_for(fault->delay);
        break;
      case FaultKind::kDrop:
      case FaultKind::kTruncate: {
        Response response = dispatch(verified->service, verified->region, *caller, params);
        response.delivery = fault->kind == FaultKind::kDrop ? Response::Delivery::kDropped
                                                            : Response::Delivery::kTruncated;
        return response;
      }
    }
  }
  return dispatch(verified->service, verified->region, *caller, params);
}

Response Emulator::dispatch(const std::string& service, const std::string& region,
                           const Caller& caller, const Params& params) {
  if (service == "sts") return sts_.handle(caller, params);
  if (service == "ec2") {
    if (std::find(options_.regions.begin(), options_.regions.end(), region) ==
        options_.regions.end()) {
      return ec2_error(401, "AuthFailure",
                       "Credential should be scoped to a valid region, not '" + region + "'.");
    }
    return ec2_.handle(caller, region, params);
  }
  return ec2_error(400, "InvalidAction",
                   "The emulator does not serve the service '" + service + "'.");
}

}  // namespace sgwatch::emulator
