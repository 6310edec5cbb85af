#include "app/man_page.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "app/cli.h"
#include "app/command_line.h"
#include "cli_runner.h"
#include "core/clock.h"

namespace sgwatch::man_page_test {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// A line starting with '.' or '\'' is a request to roff; the page should hold only the
// ones the renderer writes on purpose.
void expect_only_intended_requests(const std::string& page) {
  const std::set<std::string> intended = {".TH", ".nh", ".ad", ".SH", ".SS", ".TP", ".PP", ".BR"};
  for (const std::string& line : lines_of(page)) {
    if (line.empty() || (line[0] != '.' && line[0] != '\'')) continue;
    EXPECT_TRUE(intended.count(line.substr(0, line.find(' ')))) << "stray request: " << line;
  }
}

TEST(ManPage, HasASubsectionForEveryCommandOfTheTableAndTheirSubcommands) {
  CommandLine line;
  const std::string page = render_man_page(line.app, "9.8.7");
  for (const Command& command : command_table()) {
    EXPECT_NE(page.find(".SS \"" + std::string(command.name) + "\"\n"), std::string::npos)
        << command.name;
  }
  for (const char* nested : {"config schema", "trail show", "sns verify", "outbox retry"}) {
    EXPECT_NE(page.find(".SS \"" + std::string(nested) + "\"\n"), std::string::npos) << nested;
  }
  EXPECT_EQ(page.rfind(".TH SGWATCH 1 \"\" \"sgwatch 9.8.7\" \"User Commands\"\n", 0), 0u);
  for (const char* section : {"NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "COMMANDS",
                              "EXIT STATUS", "ENVIRONMENT", "FILES", "SEE ALSO"}) {
    EXPECT_NE(page.find(".SH " + std::string(section) + "\n"), std::string::npos) << section;
  }
  expect_only_intended_requests(page);
}

TEST(ManPage, ListsGlobalAndCommandOptionsWithTheirValuesAndHelp) {
  CommandLine line;
  const std::string page = render_man_page(line.app, "0.1.0");
  // Global options, with the type of their value and the default CLI11 captured.
  EXPECT_NE(page.find(".TP\n\\fB\\-\\-config\\fR \\fITEXT\\fR\nThe config file"),
            std::string::npos);
  EXPECT_NE(page.find("\\fB\\-\\-output\\fR \\fITEXT:{text,json}\\fR\nOutput format "
                      "(default: text)"),
            std::string::npos);
  EXPECT_NE(page.find("\\fB\\-h\\fR, \\fB\\-\\-help\\fR"), std::string::npos);
  EXPECT_NE(page.find("\\fB\\-\\-version\\fR\n"), std::string::npos);
  // A command's positional argument in its usage line and as an entry; its options.
  EXPECT_NE(page.find("\\fBhistory\\fR \\fIGROUP_ID\\fR\n"), std::string::npos);
  EXPECT_NE(page.find(".TP\n\\fIGROUP_ID\\fR\nThe security group id (sg\\-...)\n"),
            std::string::npos);
  EXPECT_NE(page.find("\\fBtrail show\\fR [\\fIoptions\\fR] \\fIFILE\\fR...\n"),
            std::string::npos);
  EXPECT_NE(page.find(".TP\n\\fB\\-\\-attempts\\-only\\fR\nOnly failed calls"),
            std::string::npos);
  EXPECT_NE(page.find("\\fB\\-\\-cert\\-dir\\fR \\fITEXT\\fR\n"), std::string::npos);
  EXPECT_NE(page.find("(required)"), std::string::npos);
  // -h/--help is said once for all commands, not under each of them.
  const size_t commands = page.find(".SH COMMANDS\n");
  ASSERT_NE(commands, std::string::npos);
  EXPECT_EQ(page.find("\\fB\\-\\-help\\fR\n", commands), std::string::npos);
}

TEST(ManPage, NamesEachExitStatusAndTheEnvironment) {
  CommandLine line;
  const std::string page = render_man_page(line.app, "0.1.0");
  for (int code : {kExitOk, kExitFailure, kExitUsage, kExitConfig}) {
    EXPECT_NE(page.find(".TP\n\\fB" + std::to_string(code) + "\\fR\n"), std::string::npos)
        << code;
  }
  EXPECT_NE(page.find("\\fBSGWATCH_CONFIG\\fR"), std::string::npos);
  EXPECT_NE(page.find("AWS_ACCESS_KEY_ID"), std::string::npos);
  EXPECT_NE(page.find("/etc/sgwatch/sgwatch.toml"), std::string::npos);
}

TEST(ManPage, EscapesWhatRoffWouldReadAsRequestsEscapesOrHyphens) {
  EXPECT_EQ(roff_escape("plain text"), "plain text");
  EXPECT_EQ(roff_escape(".so /etc/passwd"), "\\&.so /etc/passwd");
  EXPECT_EQ(roff_escape("'br"), "\\&'br");
  EXPECT_EQ(roff_escape("first\n.second\n'third"), "first\n\\&.second\n\\&'third");
  EXPECT_EQ(roff_escape("ends. With it's dots."), "ends. With it's dots.");
  EXPECT_EQ(roff_escape("C:\\fBold"), "C:\\efBold");
  EXPECT_EQ(roff_escape("--log-level"), "\\-\\-log\\-level");
}

TEST(ManPage, EscapesTheTextOfCommandsAndOptions) {
  CLI::App app("Tool\n.TH injected", "tool");
  CLI::App* sub = app.add_subcommand("run", ".starts with a dot \\ and a \"quote\"");
  std::string value;
  sub->add_option("--path-name", value, "'quoted' -x");
  const std::string page = render_man_page(app, "1");
  EXPECT_NE(page.find("Tool\n\\&.TH injected\n"), std::string::npos);
  EXPECT_NE(page.find("\n\\&.starts with a dot \\e and a \"quote\"\n"), std::string::npos);
  EXPECT_NE(page.find("\\fB\\-\\-path\\-name\\fR \\fITEXT\\fR\n\\&'quoted' \\-x\n"),
            std::string::npos);
  expect_only_intended_requests(page);
}

TEST(ManPage, TheManCommandPrintsThePageAndHidesFromHelp) {
  SystemClock clock;
  auto man = testing::run_sgwatch({"man"}, clock);
  ASSERT_EQ(man.code, kExitOk) << man.err;
  CommandLine line;
  EXPECT_EQ(man.out, render_man_page(line.app, kSgwatchVersion));

  auto help = testing::run_sgwatch({"--help"}, clock);
  EXPECT_NE(help.out.find("validate"), std::string::npos);
  EXPECT_EQ(help.out.find("  man "), std::string::npos) << help.out;
}

}  // namespace
}  // namespace sgwatch::man_page_test
