// How `sgwatch demo` tells its story: numbered steps, each a heading and what sgwatch
// showed, in colour on a terminal (headings, added and removed rules, severities); and the
// config a reader starts from to watch a real account.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "core/env.h"

namespace sgwatch {

enum class ColourChoice { kAuto, kAlways, kNever };

// kAuto: colour when `fd` is a terminal, NO_COLOR is unset (no-color.org) and TERM is not
// "dumb".
bool use_colour(ColourChoice choice, int fd, const EnvLookup& env);

class DemoStory {
 public:
  DemoStory(std::ostream& out, bool colour) : out_(out), colour_(colour) {}

  // "1. <heading>" with the heading's further lines indented under it.
  void step(std::string_view heading);
  // Text sgwatch printed, indented; a line starting "+" is green, "-" red, and the words
  // CRITICAL and HIGH red.
  void shown(std::string_view text);
  // Plain text, not indented.
  void say(std::string_view text);

 private:
  std::string paint(std::string_view text, std::string_view code) const;

  std::ostream& out_;
  bool colour_;
  int steps_ = 0;
};

// A config for the account the default credentials belong to, every enabled region, the
// security team on Slack and each group's owners by email through SES. Valid as it is.
std::string real_account_config();

}  // namespace sgwatch
