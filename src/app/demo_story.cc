#include "app/demo_story.h"

#include <unistd.h>

#include <fmt/format.h>

namespace sgwatch {
namespace {

// SGR codes.
constexpr std::string_view kBoldCyan = "1;36";
constexpr std::string_view kGreen = "32";
constexpr std::string_view kRed = "31";
constexpr std::string_view kBoldRed = "1;31";

// The text's lines, each without its line break; a last line without one counts too.
template <typename Each>
void for_each_line(std::string_view text, Each each) {
  while (!text.empty()) {
    const size_t end = text.find('\n');
    each(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

}  // namespace

bool use_colour(ColourChoice choice, int fd, const EnvLookup& env) {
  if (choice != ColourChoice::kAuto) return choice == ColourChoice::kAlways;
  if (env("NO_COLOR").value_or("") != "") return false;
  if (env("TERM").value_or("") == "dumb") return false;
  return isatty(fd) == 1;
}

std::string DemoStory::paint(std::string_view text, std::string_view code) const {
  if (!colour_) return std::string(text);
  return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
}

void DemoStory::step(std::string_view heading) {
  const std::string number = fmt::format("{}. ", ++steps_);
  out_ << "\n";
  bool first = true;
  for_each_line(heading, [&](std::string_view line) {
    out_ << (first ? number : std::string(number.size(), ' '))
         << paint(line, kBoldCyan) << "\n";
    first = false;
  });
}

void DemoStory::shown(std::string_view text) {
  for_each_line(text, [&](std::string_view line) {
    const size_t start = line.find_first_not_of(' ');
    const char mark = start == std::string_view::npos ? ' ' : line[start];
    std::string painted;
    if (mark == '+') {
      painted = paint(line, kGreen);
    } else if (mark == '-' && line.substr(start, 2) == "- ") {
      painted = paint(line, kRed);
    } else {
      painted = std::string(line);
      for (std::string_view word : {"CRITICAL", "HIGH"}) {
        const size_t at = painted.find(word);
        if (at != std::string::npos && colour_) {
          painted.replace(at, word.size(), paint(word, kBoldRed));
        }
      }
    }
    out_ << "   " << painted << "\n";
  });
}

void DemoStory::say(std::string_view text) { out_ << text; }

std::string real_account_config() {
  return R"(# /etc/sgwatch/sgwatch.toml: the account the default credentials belong to (an
# instance role, AWS_PROFILE, ...), every region it has enabled, every minute.
[watch]
interval = "60s"
regions = ["all"]

[store]
path = "/var/lib/sgwatch/sgwatch.db"

# Each group's owners (its OwnerDL tag) hear of its changes by email; the security team
# hears of every high-severity change, and of sgwatch's own problems, on Slack.
[routing]
owner_destinations = ["owners"]

[[routes]]
min_severity = "high"
destinations = ["security"]

[[routes]]
kinds = ["health"]
destinations = ["security"]

[[destinations]]
name = "security"
type = "slack"
url_file = "/etc/sgwatch/slack.url"   # the incoming webhook's URL, a secret

[[destinations]]
name = "owners"
type = "ses"
region = "eu-west-1"
from = "sgwatch <alerts@example.com>"
)";
}

}  // namespace sgwatch
