#include "risk/risk_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config_loader.h"

namespace sgwatch::risk_policy_test {
namespace {

using ::testing::HasSubstr;

KeySchema schema() { return table_key("", "", {risk_config_schema()}); }

EnvLookup no_env() {
  return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

ConfigLoad load(const std::string& text) {
  return load_config_text(text, "sgwatch.toml", schema(), no_env());
}

// The error messages of a load that must fail.
std::string errors_of(const std::string& text) {
  ConfigLoad loaded = load(text);
  EXPECT_FALSE(loaded.ok()) << text;
  std::string out;
  for (const ConfigDiagnostic& d : loaded.diagnostics) out += d.str() + "\n";
  return out;
}

RiskPolicy policy_of(const std::string& text) {
  ConfigLoad loaded = load(text);
  EXPECT_TRUE(loaded.ok()) << (loaded.diagnostics.empty() ? "" : loaded.diagnostics[0].str());
  if (!loaded.ok()) return RiskPolicy();
  auto policy = risk_policy_from(*loaded.config);
  EXPECT_TRUE(policy) << policy.error().message;
  return policy.value_or(RiskPolicy());
}

const SensitivePort* find_port(const RiskPolicy& policy, Protocol protocol, int port) {
  for (const SensitivePort& p : policy.sensitive_ports) {
    if (p.protocol == protocol && p.from <= port && port <= p.to) return &p;
  }
  return nullptr;
}

TEST(RiskPolicy, NoRiskTableGivesTheDefaults) {
  RiskPolicy loaded = policy_of("");
  RiskPolicy defaults;
  EXPECT_EQ(loaded.sensitive_ports.size(), defaults.sensitive_ports.size());
  EXPECT_EQ(loaded.severities, defaults.severities);
  EXPECT_EQ(loaded.wide_port_range, 1000);
  EXPECT_EQ(loaded.wide_ipv4_prefix, 8);
  EXPECT_EQ(loaded.wide_ipv6_prefix, 32);
  EXPECT_TRUE(loaded.exemptions.empty());

  const SensitivePort* rdp = find_port(defaults, Protocol::tcp(), 3389);
  ASSERT_NE(rdp, nullptr);
  EXPECT_EQ(rdp->severity, Severity::kCritical);
  EXPECT_EQ(rdp->label(), "RDP (tcp/3389)");
  EXPECT_EQ(find_port(defaults, Protocol::tcp(), 5985)->name, "WinRM");
  EXPECT_EQ(find_port(defaults, Protocol::udp(), 11211)->severity, Severity::kHigh);
  EXPECT_EQ(find_port(defaults, Protocol::tcp(), 25)->severity, Severity::kMedium);
  EXPECT_EQ(find_port(defaults, Protocol::tcp(), 443), nullptr);
  EXPECT_EQ(defaults.severity_of("egress-world-all"), Severity::kInfo);
  EXPECT_EQ(defaults.severity_of("world-all-traffic"), Severity::kCritical);
}

TEST(RiskPolicy, ReadsEveryKey) {
  RiskPolicy policy = policy_of(R"(
[risk]
critical_ports = ["tcp/22 SSH", "tcp/8443"]
high_ports = ["udp/500-501 IKE VPN"]
medium_ports = []
wide_port_range = 100
wide_ipv4_prefix = 12
wide_ipv6_prefix = 0

[risk.severity]
world-open = "low"
egress-world-all = "off"

[[risk.exemptions]]
groups = ["sg-0123456789abcdef0"]
tags = ["Bastion", "Env=dev"]
cidrs = ["203.0.113.0/24", "::/0"]
codes = ["world-open", "wide-cidr"]
reason = "the bastion is meant to be reachable"
)");
  ASSERT_EQ(policy.sensitive_ports.size(), 3u);
  EXPECT_EQ(policy.sensitive_ports[1].label(), "tcp/8443");
  EXPECT_EQ(policy.sensitive_ports[2].label(), "IKE VPN (udp/500-501)");
  EXPECT_EQ(policy.sensitive_ports[2].severity, Severity::kHigh);
  EXPECT_EQ(policy.wide_port_range, 100);
  EXPECT_EQ(policy.wide_ipv4_prefix, 12);
  EXPECT_EQ(policy.wide_ipv6_prefix, 0);
  EXPECT_EQ(policy.severity_of("world-open"), Severity::kLow);
  EXPECT_EQ(policy.severity_of("egress-world-all"), std::nullopt);
  EXPECT_EQ(policy.severity_of("cross-account-reference"), Severity::kMedium);
  ASSERT_EQ(policy.exemptions.size(), 1u);
  const Exemption& exemption = policy.exemptions[0];
  EXPECT_EQ(exemption.groups.size(), 1u);
  ASSERT_EQ(exemption.tags.size(), 2u);
  EXPECT_EQ(exemption.tags[0].value, std::nullopt);
  EXPECT_EQ(exemption.tags[1].value, "dev");
  EXPECT_EQ(exemption.cidrs.size(), 2u);
  EXPECT_EQ(exemption.codes, (std::vector<std::string>{"world-open", "wide-cidr"}));
  EXPECT_EQ(exemption.reason, "the bastion is meant to be reachable");
}

TEST(RiskPolicy, BadValuesAreReportedWithLineAndColumn) {
  struct Case {
    std::string text;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"[risk]\ncritical_ports = [\"tcp/22 SSH\", \"icmp/8\"]\n",
       "sgwatch.toml:2:33: risk.critical_ports"},
      {"[risk]\nhigh_ports = [\"tcp/70000\"]\n", "sgwatch.toml:2:15"},
      {"[risk]\nhigh_ports = [\"tcp/30-20\"]\n", "first-last"},
      {"[risk]\nmedium_ports = [\"tcp22\"]\n", "no '/'"},
      {"[risk]\nwide_port_range = 0\n",
       "sgwatch.toml:2:19: risk.wide_port_range: must be between 1 and 65535"},
      {"[risk]\nwide_ipv4_prefix = 33\n", "between 0 and 32"},
      {"[risk.severity]\nworld-open = \"severe\"\n", "sgwatch.toml:2:14"},
      {"[risk.severity]\nworld-sensitive-port = \"high\"\n", "world-sensitive-port"},
      {"[[risk.exemptions]]\ngroups = [\"sg-xyz\"]\n", "sgwatch.toml:2:11"},
      {"[[risk.exemptions]]\ntags = [\"=v\"]\n", "the key is empty"},
      {"[[risk.exemptions]]\ncidrs = [\"10.0.0.0\"]\n", "sgwatch.toml:2:10"},
      {"[[risk.exemptions]]\ngroups = [\"sg-12345678\"]\ncodes = [\"world-opne\"]\n",
       "'world-opne' is not a finding code"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(errors_of(c.text), HasSubstr(c.expected)) << c.text;
  }
}

TEST(RiskPolicy, AnExemptionMustSelectSomething) {
  ConfigLoad loaded = load("[risk]\n\n[[risk.exemptions]]\ncodes = [\"world-open\"]\n");
  ASSERT_TRUE(loaded.ok());
  auto policy = risk_policy_from(*loaded.config);
  ASSERT_FALSE(policy);
  EXPECT_THAT(policy.error().message, HasSubstr("sgwatch.toml:3:"));
  EXPECT_THAT(policy.error().message, HasSubstr("risk.exemptions[1] names no groups"));
}

TEST(RiskPolicy, ParsesPortEntriesAndTags) {
  auto ssh = SensitivePort::parse("tcp/22 SSH", Severity::kCritical);
  ASSERT_TRUE(ssh);
  EXPECT_EQ(ssh->from, 22);
  EXPECT_EQ(ssh->to, 22);
  EXPECT_EQ(ssh->name, "SSH");
  EXPECT_FALSE(SensitivePort::parse("tcp/", Severity::kHigh));
  EXPECT_FALSE(SensitivePort::parse("tcp/-5", Severity::kHigh));
  EXPECT_FALSE(SensitivePort::parse("all/22", Severity::kHigh));

  auto tag = TagMatch::parse("team=a=b");
  ASSERT_TRUE(tag);
  EXPECT_EQ(tag->key, "team");
  EXPECT_EQ(tag->value, "a=b");
  EXPECT_TRUE(tag->matches({{"team", "a=b"}}));
  EXPECT_FALSE(tag->matches({{"team", "a"}}));
  EXPECT_TRUE(TagMatch::parse("Public")->matches({{"Public", ""}}));
  EXPECT_TRUE(TagMatch::parse("Public=")->matches({{"Public", ""}}));
  EXPECT_FALSE(TagMatch::parse("Public=")->matches({{"Public", "yes"}}));
}

}  // namespace
}  // namespace sgwatch::risk_policy_test
