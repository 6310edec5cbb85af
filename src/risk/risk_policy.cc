#include "risk/risk_policy.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace sgwatch {
namespace {

// After AWS Config's restricted-common-ports and common hardening guides. Remote administration
// open to the world is how most break-ins start.
const std::vector<std::string> kCriticalPorts = {
    "tcp/22 SSH",   "tcp/23 Telnet", "tcp/3389 RDP",
    "udp/3389 RDP", "tcp/5900 VNC",  "tcp/5985-5986 WinRM",
};
// Databases, caches, search, file sharing and control planes: never meant for the internet.
const std::vector<std::string> kHighPorts = {
    "tcp/20-21 FTP",
    "tcp/135 MSRPC",
    "tcp/137-139 NetBIOS",
    "udp/137-138 NetBIOS",
    "udp/161 SNMP",
    "tcp/445 SMB",
    "tcp/1433-1434 MSSQL",
    "udp/1434 MSSQL Browser",
    "tcp/1521 Oracle",
    "tcp/2049 NFS",
    "udp/2049 NFS",
    "tcp/2375-2376 Docker",
    "tcp/2379-2380 etcd",
    "tcp/3306 MySQL",
    "tcp/4333 mSQL",
    "tcp/5432 PostgreSQL",
    "tcp/5601 Kibana",
    "tcp/6379 Redis",
    "tcp/6443 Kubernetes API",
    "tcp/9042 Cassandra",
    "tcp/9200 Elasticsearch",
    "tcp/9300 Elasticsearch transport",
    "tcp/10250 kubelet",
    "tcp/11211 memcached",
    "udp/11211 memcached",
    "tcp/27017-27018 MongoDB",
};
// Open on purpose on a mail server, an open relay or spam source otherwise.
const std::vector<std::string> kMediumPorts = {"tcp/25 SMTP"};

struct DefaultSeverity {
  const char* code;
  const char* severity;
};
constexpr DefaultSeverity kDefaultSeverities[] = {
    {finding_code::kWorldAllTraffic, "critical"},
    {finding_code::kWorldWidePortRange, "high"},
    {finding_code::kWorldOpen, "info"},
    {finding_code::kWideCidr, "low"},
    // AWS gives every group this rule: it is worth knowing, never worth an alert.
    {finding_code::kEgressWorldAll, "info"},
    {finding_code::kCrossAccountReference, "medium"},
    {finding_code::kDefaultGroupRules, "low"},
};
constexpr char kOff[] = "off";

std::string risk_as_text(const ConfigValue& value) {
  const auto* text = std::get_if<std::string>(&value);
  return text ? *text : std::string();
}

std::optional<int> parse_int(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// True when `inner` lies inside `outer`: same family, no wider, and the same network at `outer`'s
// prefix length. Cidr normalises on parse, so re-parsing inner's address at outer's length gives
// that network.
bool cidr_inside(const Cidr& inner, const Cidr& outer) {
  if (inner.family() != outer.family() || inner.prefix_length() < outer.prefix_length()) {
    return false;
  }
  const std::string text = inner.str();
  auto widened =
      Cidr::parse(text.substr(0, text.find('/')) + "/" + std::to_string(outer.prefix_length()));
  return widened && *widened == outer;
}

std::string check_port(const ConfigValue& value) {
  auto port = SensitivePort::parse(risk_as_text(value), Severity::kHigh);
  return port ? "" : port.error().message;
}
std::string check_group(const ConfigValue& value) {
  auto id = GroupId::parse(risk_as_text(value));
  return id ? "" : id.error().message;
}
std::string check_tag(const ConfigValue& value) {
  auto tag = TagMatch::parse(risk_as_text(value));
  return tag ? "" : tag.error().message;
}
std::string check_cidr(const ConfigValue& value) {
  auto cidr = Cidr::parse(risk_as_text(value));
  return cidr ? "" : cidr.error().message;
}
std::string check_code(const ConfigValue& value) {
  const std::string code = risk_as_text(value);
  const auto& codes = finding_codes();
  if (std::find(codes.begin(), codes.end(), code) != codes.end()) return "";
  return fmt::format("'{}' is not a finding code (one of: {})", code, fmt::join(codes, ", "));
}
std::function<std::string(const ConfigValue&)> check_range(std::int64_t low, std::int64_t high) {
  return [low, high](const ConfigValue& value) -> std::string {
    const auto* number = std::get_if<std::int64_t>(&value);
    if (number && *number >= low && *number <= high) return "";
    return fmt::format("must be between {} and {}", low, high);
  };
}

KeySchema ports_key(const char* name, const char* severity,
                    const std::vector<std::string>& defaults) {
  KeySchema key =
      string_list_key(name,
                      fmt::format("Ports that are a {} finding (world-sensitive-port) when open to "
                                  "the world, each `\"protocol/port name\"` or "
                                  "`\"protocol/first-last name\"` with protocol `tcp` or `udp` and "
                                  "an optional name (`\"tcp/22 SSH\"`). A rule's range covering "
                                  "any of them counts. Giving the list replaces the default; a "
                                  "port in several lists takes the most severe.",
                                  severity),
                      defaults);
  key.check = check_port;
  return key;
}

KeySchema severity_table() {
  std::vector<KeySchema> keys;
  std::vector<std::string> allowed = severity_names();
  allowed.push_back(kOff);
  const std::map<std::string, std::string> what = {
      {finding_code::kWorldAllTraffic,
       "ingress of all traffic (protocol -1, or every tcp/udp port) from 0.0.0.0/0 or ::/0"},
      {finding_code::kWorldWidePortRange,
       "ingress of more than `wide_port_range` ports from the world"},
      {finding_code::kWorldOpen, "any other ingress from the world (`tcp/443`)"},
      {finding_code::kWideCidr,
       "ingress from a block at least as wide as `wide_ipv4_prefix` / `wide_ipv6_prefix`"},
      {finding_code::kEgressWorldAll,
       "egress of all traffic to the world (every new group has it)"},
      {finding_code::kCrossAccountReference, "a rule naming a group of another account"},
      {finding_code::kDefaultGroupRules,
       "a VPC's `default` group allowing anything (CIS: it should allow nothing)"},
  };
  for (const auto& [code, severity] : kDefaultSeverities) {
    KeySchema key =
        string_key(code,
                   fmt::format("Severity of {}; `off` does not report it.", what.at(code)),
                   std::string(severity));
    key.allowed = allowed;
    keys.push_back(std::move(key));
  }
  return table_key("severity",
                   "The severity of each kind of finding, by code. world-sensitive-port takes its "
                   "severity from the port lists instead.",
                   std::move(keys));
}

KeySchema exemptions_key() {
  KeySchema groups = string_list_key("groups", "Security group ids (`sg-...`) exempted.");
  groups.check = check_group;
  KeySchema tags = string_list_key("tags",
                                   "Groups carrying any of these tags are exempted: "
                                   "`\"Key=Value\"`, or `\"Key\"` for any value (split at the "
                                   "first `=`).");
  tags.check = check_tag;
  KeySchema cidrs = string_list_key("cidrs",
                                    "Rules whose peer is a block inside one of these are exempted "
                                    "(`\"203.0.113.0/24\"`). Only `\"0.0.0.0/0\"` or `\"::/0\"` "
                                    "itself exempts the world.");
  cidrs.check = check_cidr;
  KeySchema codes = string_list_key(
      "codes", "The finding codes exempted (`\"world-open\"`). Default: every finding.");
  codes.check = check_code;
  return table_array_key(
      "exemptions",
      "Findings not to report. Every selector given (`groups`, `tags`, `cidrs`) must match; at "
      "least one is required.",
      {groups, tags, cidrs, codes, string_key("reason", "Why: for people reading the config.")});
}

Result<std::optional<Severity>> severity_setting(const std::string& text) {
  if (text == kOff) return std::optional<Severity>();
  auto severity = parse_severity(text);
  if (!severity) return tl::unexpected(severity.error());
  return std::optional<Severity>(*severity);
}

Status add_ports(const ConfigTable& risk, const char* key, Severity severity,
                 std::vector<SensitivePort>& out) {
  for (const std::string& entry : risk.strings(key).value_or(std::vector<std::string>{})) {
    auto port = SensitivePort::parse(entry, severity);
    if (!port) return tl::unexpected(port.error().within(risk.where(key).str() + ": risk." + key));
    out.push_back(std::move(*port));
  }
  return {};
}

Result<Exemption> exemption_from(const ConfigTable& table, size_t number) {
  const std::string path = fmt::format("risk.exemptions[{}]", number);
  auto list = [&table](const char* key) {
    return table.strings(key).value_or(std::vector<std::string>{});
  };
  auto problem = [&](const char* key, const Error& error) {
    return tl::unexpected(error.within(table.where(key).str() + ": " + path + "." + key));
  };
  Exemption exemption;
  for (const std::string& text : list("groups")) {
    auto id = GroupId::parse(text);
    if (!id) return problem("groups", id.error());
    exemption.groups.push_back(*id);
  }
  for (const std::string& text : list("tags")) {
    auto tag = TagMatch::parse(text);
    if (!tag) return problem("tags", tag.error());
    exemption.tags.push_back(std::move(*tag));
  }
  for (const std::string& text : list("cidrs")) {
    auto cidr = Cidr::parse(text);
    if (!cidr) return problem("cidrs", cidr.error());
    exemption.cidrs.push_back(*cidr);
  }
  for (const std::string& code : list("codes")) {
    if (std::string bad = check_code(code); !bad.empty()) {
      return problem("codes", Error{ErrorCode::kInvalidInput, bad});
    }
    exemption.codes.push_back(code);
  }
  exemption.reason = table.string("reason").value_or("");
  if (exemption.groups.empty() && exemption.tags.empty() && exemption.cidrs.empty()) {
    // Without a selector it would exempt everything; turning checks off says that plainly.
    return invalid(
        fmt::format("{}: {} names no groups, tags or cidrs, so it would exempt every group; to "
                    "stop a kind of finding everywhere set its severity to \"off\" in "
                    "[risk.severity]",
                    table.position().str(), path));
  }
  return exemption;
}

}  // namespace

const std::vector<std::string>& finding_codes() {
  static const std::vector<std::string> codes = {
      finding_code::kWorldAllTraffic,
      finding_code::kWorldSensitivePort,
      finding_code::kWorldWidePortRange,
      finding_code::kWorldOpen,
      finding_code::kWideCidr,
      finding_code::kEgressWorldAll,
      finding_code::kCrossAccountReference,
      finding_code::kDefaultGroupRules,
  };
  return codes;
}

Result<SensitivePort> SensitivePort::parse(std::string_view text, Severity severity) {
  auto bad = [text](const std::string& why) {
    return invalid(
        fmt::format("'{}' is not a port entry like \"tcp/22 SSH\" or \"udp/1433-1434 MSSQL\": {}",
                    text, why));
  };
  const size_t space = text.find(' ');
  std::string_view spec = text.substr(0, space);
  std::string_view name = space == std::string_view::npos ? "" : text.substr(space + 1);
  while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
  const size_t slash = spec.find('/');
  if (slash == std::string_view::npos) return bad("it has no '/' after the protocol");
  SensitivePort port;
  std::string_view protocol = spec.substr(0, slash);
  if (protocol == "tcp") {
    port.protocol = Protocol::tcp();
  } else if (protocol == "udp") {
    port.protocol = Protocol::udp();
  } else {
    return bad("the protocol must be tcp or udp");
  }
  std::string_view range = spec.substr(slash + 1);
  const size_t dash = range.find('-');
  auto from = parse_int(range.substr(0, dash));
  auto to = dash == std::string_view::npos ? from : parse_int(range.substr(dash + 1));
  if (!from || !to || *from < 0 || *to > 65535 || *from > *to) {
    return bad("the port must be 0-65535, or a range first-last within it");
  }
  port.from = *from;
  port.to = *to;
  port.name = std::string(name);
  port.severity = severity;
  return port;
}

std::string SensitivePort::label() const {
  std::string traffic = describe_traffic(protocol, PortRange{from, to});
  return name.empty() ? traffic : name + " (" + traffic + ")";
}

Result<TagMatch> TagMatch::parse(std::string_view text) {
  const size_t equals = text.find('=');
  TagMatch match;
  match.key = std::string(text.substr(0, equals));
  if (equals != std::string_view::npos) match.value = std::string(text.substr(equals + 1));
  if (match.key.empty()) {
    return invalid(
        fmt::format("'{}' is not a tag like \"Key=Value\" or \"Key\": the key is empty",
                    text));
  }
  return match;
}

bool TagMatch::matches(const std::map<std::string, std::string>& tags) const {
  auto found = tags.find(key);
  return found != tags.end() && (!value || found->second == *value);
}

bool Exemption::covers(const Group& group, const std::optional<Rule>& rule,
                       std::string_view code) const {
  if (!codes.empty() && std::find(codes.begin(), codes.end(), code) == codes.end()) return false;
  if (!groups.empty() && std::find(groups.begin(), groups.end(), group.id) == groups.end()) {
    return false;
  }
  if (!tags.empty() && std::none_of(tags.begin(), tags.end(),
                                    [&](const TagMatch& tag) { return tag.matches(group.tags); })) {
    return false;
  }
  if (!cidrs.empty()) {
    const Cidr* peer = rule ? std::get_if<Cidr>(&rule->peer) : nullptr;
    if (peer == nullptr || std::none_of(cidrs.begin(), cidrs.end(), [&](const Cidr& block) {
          return cidr_inside(*peer, block);
        })) {
      return false;
    }
  }
  return !groups.empty() || !tags.empty() || !cidrs.empty();
}

RiskPolicy::RiskPolicy() {
  auto add = [this](const std::vector<std::string>& entries, Severity severity) {
    for (const std::string& entry : entries) {
      sensitive_ports.push_back(SensitivePort::parse(entry, severity).value());
    }
  };
  add(kCriticalPorts, Severity::kCritical);
  add(kHighPorts, Severity::kHigh);
  add(kMediumPorts, Severity::kMedium);
  for (const auto& [code, severity] : kDefaultSeverities) {
    severities[code] = parse_severity(severity).value();
  }
}

std::optional<Severity> RiskPolicy::severity_of(std::string_view code) const {
  auto found = severities.find(code);
  return found == severities.end() ? std::nullopt : found->second;
}

bool RiskPolicy::exempt(const Group& group, const std::optional<Rule>& rule,
                        std::string_view code) const {
  return std::any_of(exemptions.begin(), exemptions.end(), [&](const Exemption& exemption) {
    return exemption.covers(group, rule, code);
  });
}

KeySchema risk_config_schema() {
  KeySchema wide_range =
      integer_key("wide_port_range",
                  "A tcp/udp range of more than this many ports open to the world is a "
                  "world-wide-port-range finding.",
                  1000);
  wide_range.check = check_range(1, 65535);
  KeySchema ipv4 =
      integer_key("wide_ipv4_prefix",
                  "Ingress from an IPv4 block with a prefix this short or shorter (but not "
                  "0.0.0.0/0) is a wide-cidr finding: `8` flags 10.0.0.0/8. `0` turns it off.",
                  8);
  ipv4.check = check_range(0, 32);
  KeySchema ipv6 = integer_key("wide_ipv6_prefix",
                               "The same for IPv6 blocks (but not ::/0): `32` flags 2001:db8::/32. "
                               "`0` turns it off.",
                               32);
  ipv6.check = check_range(0, 128);
  return table_key("risk",
                   "What counts as risky: findings `sgwatch findings` lists and alerts carry. A "
                   "rule is open to the world when its peer is 0.0.0.0/0 or ::/0.",
                   {ports_key("critical_ports", "critical", kCriticalPorts),
                    ports_key("high_ports", "high", kHighPorts),
                    ports_key("medium_ports", "medium", kMediumPorts), wide_range, ipv4, ipv6,
                    severity_table(), exemptions_key()});
}

Result<RiskPolicy> risk_policy_from(const ConfigTable& root) {
  const ConfigTable& risk = root.table("risk");
  RiskPolicy policy;
  policy.sensitive_ports.clear();
  if (auto added = add_ports(risk, "critical_ports", Severity::kCritical, policy.sensitive_ports);
      !added) {
    return tl::unexpected(added.error());
  }
  if (auto added = add_ports(risk, "high_ports", Severity::kHigh, policy.sensitive_ports); !added) {
    return tl::unexpected(added.error());
  }
  if (auto added = add_ports(risk, "medium_ports", Severity::kMedium, policy.sensitive_ports);
      !added) {
    return tl::unexpected(added.error());
  }
  policy.wide_port_range = static_cast<int>(risk.integer("wide_port_range").value_or(1000));
  policy.wide_ipv4_prefix = static_cast<int>(risk.integer("wide_ipv4_prefix").value_or(8));
  policy.wide_ipv6_prefix = static_cast<int>(risk.integer("wide_ipv6_prefix").value_or(32));

  const ConfigTable& severity = risk.table("severity");
  for (const auto& [code, fallback] : kDefaultSeverities) {
    auto setting = severity_setting(severity.string(code).value_or(fallback));
    if (!setting) {
      return tl::unexpected(
          setting.error().within(severity.where(code).str() + ": risk.severity." + code));
    }
    policy.severities[code] = *setting;
  }

  const auto& exemptions = risk.tables("exemptions");
  for (size_t i = 0; i < exemptions.size(); ++i) {
    auto exemption = exemption_from(exemptions[i], i + 1);
    if (!exemption) return tl::unexpected(exemption.error());
    policy.exemptions.push_back(std::move(*exemption));
  }
  return policy;
}

}  // namespace sgwatch
