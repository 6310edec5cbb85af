// What the emulator's services see of an HTTP exchange, independent of the server
// library. Services are plain functions of a Request; the server adapts.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace sgwatch::emulator {

// Query-protocol parameters ("Action", "GroupId", "IpPermissions.1.IpProtocol", ...),
// decoded from the form body or the URL query.
using Params = std::map<std::string, std::string>;

struct Request {
  std::string method;        // "GET", "POST", "PUT"
  std::string path;          // decoded path, e.g. "/"
  std::string raw_path;      // as sent, for signature checks
  std::string query;         // raw query string without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names as sent
  std::string body;
  std::string peer_address;  // the client's address, for CloudTrail-style records

  // The first header called `name` (case-insensitive), or "".
  std::string header(const std::string& name) const;
};

// Where an API call came from, as CloudTrail records it (sourceIPAddress, userAgent).
struct Origin {
  std::string source_ip;   // the peer's address as the server saw it, e.g. "127.0.0.1"
  std::string user_agent;  // the User-Agent header as sent, "" when absent
};

struct Response {
  // How the body goes out: whole, or (injected faults) cut short or not at all after the
  // headers, the connection then closed.
  enum class Delivery { kWhole, kTruncated, kDropped };

  int status = 200;
  std::string content_type = "text/xml";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  Delivery delivery = Delivery::kWhole;
};

}  // namespace sgwatch::emulator
