#include "notify/notify_config.h"

#include <gtest/gtest.h>

#include "app/config_schema.h"
#include "config/config_loader.h"

namespace sgwatch::notify_config_test {
namespace {

Result<NotifySettings> settings_of(const std::string& text) {
  ConfigLoad loaded = load_config_text(text, "sgwatch.toml", sgwatch_config_schema(),
                                       [](const std::string&) { return std::nullopt; });
  if (!loaded.ok()) return invalid(loaded.diagnostics.front().str());
  return notify_settings_from(*loaded.config);
}

// Loopback only, and no AWS credentials: nothing here may reach out.
Result<std::vector<OutboxDestination>> open_without_credentials(const NotifySettings& settings) {
  static const SystemClock clock;
  return open_destinations(settings, DestinationContext{.clock = clock,
                                                        .zone = DisplayZone(),
                                                        .env = process_env(),
                                                        .credentials = nullptr,
                                                        .loopback_only = true});
}

TEST(NotifyConfig, ReadsEveryDestinationType) {
  auto settings = settings_of(R"(
[[destinations]]
name = "security"
type = "slack"
url = "https://hooks.slack.com/services/T0/B0/XYZ"
[[destinations]]
name = "owners"
type = "smtp"
host = "mail.example.com"
username = "sgwatch"
password = "pw"
from = "sgwatch <alerts@example.com>"
to = ["secops@example.com", "secops@example.com", "noc@example.com"]
[[destinations]]
name = "owners-ses"
type = "ses"
region = "eu-west-1"
from = "alerts@example.com"
configuration_set = "alerts"
)");
  ASSERT_TRUE(settings) << settings.error().message;
  ASSERT_EQ(settings->destinations.size(), 3u);
  const DestinationConfig& slack = settings->destinations[0];
  EXPECT_EQ(slack.type, DestinationType::kSlack);
  EXPECT_EQ(slack.timeout, std::chrono::seconds(10));
  const DestinationConfig& smtp = settings->destinations[1];
  EXPECT_EQ(smtp.type, DestinationType::kSmtp);
  EXPECT_EQ(smtp.timeout, std::chrono::seconds(30));  // mail servers are given longer
  // A repeated address would mail one person twice.
  EXPECT_EQ(smtp.to, (std::vector<std::string>{"secops@example.com", "noc@example.com"}));
  const SmtpOptions options = smtp_options(smtp);
  EXPECT_EQ(options.port, 587);
  EXPECT_EQ(options.tls, SmtpTls::kStartTls);
  EXPECT_EQ(options.username, "sgwatch");
  const SesOptions ses = ses_options(settings->destinations[2]);
  EXPECT_EQ(ses.region, "eu-west-1");
  EXPECT_EQ(ses.configuration_set, "alerts");
}

TEST(NotifyConfig, TheSmtpPortFollowsTheTlsMode) {
  auto settings = settings_of(R"(
[[destinations]]
name = "implicit"
type = "smtp"
host = "mail.example.com"
tls = "implicit"
from = "alerts@example.com"
[[destinations]]
name = "relay"
type = "smtp"
host = "127.0.0.1"
tls = "none"
from = "alerts@example.com"
)");
  ASSERT_TRUE(settings) << settings.error().message;
  EXPECT_EQ(smtp_options(settings->destinations[0]).port, 465);
  EXPECT_EQ(smtp_options(settings->destinations[1]).port, 25);
}

TEST(NotifyConfig, EachMistakeIsNamedWhereItIs) {
  struct Case {
    const char* table;
    const char* message;
  };
  for (const Case& c : {
           Case{"type = \"smtp\"\nfrom = \"a@example.com\"\n",
                "sgwatch.toml:3:1: destination 'x': smtp destinations need `host`"},
           Case{"type = \"smtp\"\nhost = \"mail.example.com\"\n",
                "smtp destinations need `from`"},
           Case{"type = \"ses\"\nfrom = \"a@example.com\"\n", "ses destinations need `region`"},
           Case{"type = \"slack\"\n", "slack destinations need `url`"},
           Case{"type = \"slack\"\nurl = \"https://hooks.slack.com/x\"\nsecret = \"k\"\n",
                "sgwatch.toml:7:10: `secret` is not a key of slack destinations"},
           Case{"type = \"ses\"\nregion = \"eu-west-1\"\nfrom = \"a@example.com\"\n"
                "host = \"mail.example.com\"\n",
                "`host` is not a key of ses destinations"},
           Case{"type = \"webhook\"\nurl = \"https://h.example.com/\"\nfrom = \"a@example.com\"\n",
                "`from` is not a key of webhook destinations"},
           Case{"type = \"smtp\"\nhost = \"mail.example.com\"\ntls = \"none\"\n"
                "from = \"a@example.com\"\n",
                "plain SMTP (no TLS) is allowed only to a loopback address"},
           Case{"type = \"smtp\"\nhost = \"mail.example.com\"\nfrom = \"a@example.com\"\n"
                "password = \"pw\"\n",
                "an SMTP password is set without a user name"},
           Case{"type = \"smtp\"\nhost = \"mail.example.com\"\nfrom = \"not an address\"\n",
                "from"},
           Case{"type = \"ses\"\nregion = \"eu-west-1\"\nfrom = \"a@example.com\"\n"
                "to = [\"ok@example.com\", \"bad@@example.com\"]\n",
                "to"},
           Case{"type = \"smtp\"\nhost = \"mail.example.com\"\nfrom = \"a@example.com\"\n"
                "tls = \"ssl\"\n",
                "tls"},
           Case{"type = \"smtp\"\nhost = \"mail.example.com\"\nfrom = \"a@example.com\"\n"
                "port = 4294967883\n",
                "the port must be within 1..65535, not 4294967883"},
           Case{"type = \"ses\"\nregion = \"eu-west-1\"\nfrom = \"a@example.com\"\n"
                "to = [\"Security <secops@example.com>\"]\n",
                "without a name"},
       }) {
    auto settings = settings_of(std::string("\n\n[[destinations]]\nname = \"x\"\n") + c.table);
    ASSERT_FALSE(settings) << c.table;
    EXPECT_NE(settings.error().message.find(c.message), std::string::npos)
        << settings.error().message << "\nexpected: " << c.message;
  }
}

TEST(NotifyConfig, AMailDestinationARouteNamesNeedsItsOwnRecipients) {
  auto settings = settings_of(R"(
[[routes]]
destinations = ["mail"]
[[destinations]]
name = "mail"
type = "smtp"
host = "mail.example.com"
from = "alerts@example.com"
)");
  ASSERT_FALSE(settings);
  EXPECT_NE(settings.error().message.find(
                "routes[1].destinations names 'mail', which has no `to`"),
            std::string::npos)
      << settings.error().message;
  // For owners alone, the owners are the recipients.
  EXPECT_TRUE(settings_of(R"(
[routing]
owner_destinations = ["mail"]
[[destinations]]
name = "mail"
type = "smtp"
host = "mail.example.com"
from = "alerts@example.com"
)"));
}

TEST(NotifyConfig, OpensEveryKindOfSink) {
  auto settings = settings_of(R"(
[[destinations]]
name = "security"
type = "slack"
url = "https://hooks.slack.com/services/T0/B0/XYZ"
[[destinations]]
name = "owners"
type = "smtp"
host = "mail.example.com"
from = "alerts@example.com"
)");
  ASSERT_TRUE(settings) << settings.error().message;
  auto opened = open_without_credentials(*settings);
  ASSERT_TRUE(opened) << opened.error().message;
  ASSERT_EQ(opened->size(), 2u);
  EXPECT_EQ((*opened)[0].sink->describe(), "slack https://hooks.slack.com/…");
  EXPECT_EQ((*opened)[1].sink->describe(), "smtp mail.example.com:587 (starttls)");
}

TEST(NotifyConfig, AnSesDestinationWithoutCredentialsCannotOpen) {
  auto settings = settings_of(R"(
[[destinations]]
name = "owners-ses"
type = "ses"
region = "eu-west-1"
from = "alerts@example.com"
)");
  ASSERT_TRUE(settings) << settings.error().message;
  auto opened = open_without_credentials(*settings);
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find("destination 'owners-ses'"), std::string::npos);
}

}  // namespace
}  // namespace sgwatch::notify_config_test
