#include "app/man_page.h"

#include <sstream>
#include <vector>

#include "app/cli.h"
#include "app/command.h"

namespace sgwatch {
namespace {

// Text that CLI11 does not hold: the parts of the page about the program as a whole.
constexpr std::string_view kNameLine =
    "watch AWS EC2 security groups and report every change";

constexpr std::string_view kDescriptionMore =
    "Global options go before or after the command name, the command's own after it; a "
    "global option given twice takes the last value. A command "
    "that reads the config file stops before doing anything when the file has errors, "
    "naming each with its file:line:column (exit status 78); `sgwatch validate` checks the "
    "file and then every account and region it names. `sgwatch config schema` lists every "
    "config key with its type, default and meaning.";

constexpr std::string_view kServiceParagraph =
    "Under systemd, sgwatch.service runs `sgwatch watch` as the user sgwatch (reload it to "
    "read the config again); alternatively sgwatch.timer runs `sgwatch once` every few "
    "minutes. Enable one of the two, not both.";

struct Entry {
  std::string_view name;
  std::string_view text;
};

constexpr Entry kEnvironment[] = {
    {"SGWATCH_CONFIG", "The config file when --config is not given."},
    {"STATE_DIRECTORY",
     "Set by systemd (StateDirectory=); the default store is sgwatch.db in it."},
    {"XDG_STATE_HOME",
     "Outside systemd, the default store is sgwatch/sgwatch.db in it (else in "
     "~/.local/state)."},
    {"AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN", "Static credentials."},
    {"AWS_PROFILE, AWS_DEFAULT_PROFILE, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE",
     "The profile to use and the shared config and credentials files it is read from, as "
     "for the AWS CLI (static keys, credential_process, role_arn with source_profile or "
     "credential_source, web_identity_token_file)."},
    {"AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME",
     "Credentials for a role assumed with a web identity token."},
    {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, AWS_CONTAINER_CREDENTIALS_FULL_URI",
     "The container credentials endpoint."},
    {"AWS_EC2_METADATA_DISABLED",
     "true: never ask the EC2 instance metadata service (IMDSv2) for the instance role's "
     "credentials."},
    {"AWS_REGION, AWS_DEFAULT_REGION",
     "Where STS and DescribeRegions are asked when no region is named (as with --region "
     "all)."},
    {"AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>", "Endpoints other than AWS's own."},
    {"AWS_MAX_ATTEMPTS", "Attempts per call, retries included (the SDKs' standard mode)."},
};

constexpr Entry kFiles[] = {
    {"/etc/sgwatch/sgwatch.toml", "The config file, when it exists."},
    {"/var/lib/sgwatch/sgwatch.db",
     "The store under systemd: every revision of every group, alerts owed, changes and who "
     "made them (SQLite), in a directory open to the group sgwatch."},
    {"~/.local/state/sgwatch/sgwatch.db", "The store of a user outside systemd."},
    {"/etc/default/sgwatch",
     "Environment of the systemd units (AWS_* variables); not read by sgwatch itself."},
    {"~/.aws/config, ~/.aws/credentials", "Shared AWS config and credentials."},
};

struct ExitStatus {
  int code;
  std::string_view meaning;
};

constexpr ExitStatus kExitStatuses[] = {
    {kExitOk, "Done."},
    {kExitFailure, "The command could not do its job; the message says why."},
    {kExitUsage, "The command line is wrong."},
    {kExitConfig,
     "The config file is wrong (EX_CONFIG); the service is not restarted until it is "
     "fixed."},
};

constexpr std::string_view kSeeAlso =
    ".BR aws (1),\n.BR systemctl (1),\n.BR journalctl (1),\n.BR systemd.service (5),\n"
    ".BR systemd.timer (5)\n";

std::string bold(std::string_view text) { return "\\fB" + roff_escape(text) + "\\fR"; }
std::string italic(std::string_view text) { return "\\fI" + roff_escape(text) + "\\fR"; }

// A roff macro's quoted argument: a double quote inside one is written as two.
std::string macro_argument(std::string_view text) {
  std::string out = "\"";
  for (char c : roff_escape(text)) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

bool is_positional(const CLI::Option& option) {
  return option.get_positional() && !option.nonpositional();
}

// The options worth a paragraph: not hidden, and not -h/--help below the top, where one
// sentence says every command takes it.
std::vector<const CLI::Option*> documented_options(const CLI::App& app, bool top) {
  return app.get_options([&](const CLI::Option* option) {
    if (option->get_group().empty()) return false;
    return top || option != app.get_help_ptr();
  });
}

// "\fB-h\fR, \fB--help\fR" or "\fB--region\fR \fITEXT\fR ..." for an option; the argument's
// name alone for a positional one.
std::string option_label(const CLI::Option& option) {
  std::string label;
  if (is_positional(option)) {
    label = italic(option.get_name(/*positional=*/true));
  } else {
    std::vector<std::string> names;
    for (const std::string& name : option.get_snames()) names.push_back(bold("-" + name));
    for (const std::string& name : option.get_lnames()) names.push_back(bold("--" + name));
    for (size_t i = 0; i < names.size(); ++i) label += (i > 0 ? ", " : "") + names[i];
    // A flag takes no value (and has no type name), as in --help.
    if (option.get_type_size() == 0 || option.get_type_name().empty()) return label;
    label += " " + italic(option.get_type_name());
  }
  if (option.get_expected_max() >= CLI::detail::expected_max_vector_size) label += "...";
  return label;
}

std::string option_text(const CLI::Option& option) {
  std::string text = option.get_description();
  if (!option.get_default_str().empty()) text += " (default: " + option.get_default_str() + ")";
  if (option.get_required() && !is_positional(option)) text += " (required)";
  return roff_escape(text);
}

void write_options(std::ostream& page, const std::vector<const CLI::Option*>& options) {
  for (const CLI::Option* option : options) {
    page << ".TP\n" << option_label(*option) << "\n" << option_text(*option) << "\n";
  }
}

// The usage line of a command: its path, [options] when it has any, its positional
// arguments ([optional] ones in brackets) and "command" when it requires a subcommand.
std::string usage(const CLI::App& command, const std::string& path) {
  std::string line = bold("sgwatch") + " [" + italic("global options") + "] " + bold(path);
  const auto options = documented_options(command, /*top=*/false);
  bool any_named = false;
  for (const CLI::Option* option : options) any_named |= !is_positional(*option);
  if (any_named) line += " [" + italic("options") + "]";
  for (const CLI::Option* option : options) {
    if (!is_positional(*option)) continue;
    std::string argument = italic(option->get_name(/*positional=*/true));
    if (option->get_expected_max() >= CLI::detail::expected_max_vector_size) argument += "...";
    line += " " + (option->get_required() ? argument : "[" + argument + "]");
  }
  if (command.get_require_subcommand_min() > 0) line += " " + italic("command");
  return line;
}

std::vector<const CLI::App*> subcommands_of(const CLI::App& app) {
  // Option groups are unnamed subcommands in CLI11; their options belong to the parent.
  return app.get_subcommands([](const CLI::App* sub) { return !sub->get_name().empty(); });
}

void write_command(std::ostream& page, const CLI::App& command, const std::string& path) {
  page << ".SS " << macro_argument(path) << "\n" << usage(command, path) << "\n.PP\n"
       << roff_escape(command.get_description()) << "\n";
  if (!command.get_footer().empty()) page << ".PP\n" << roff_escape(command.get_footer()) << "\n";
  write_options(page, documented_options(command, /*top=*/false));
  for (const CLI::App* sub : subcommands_of(command)) {
    write_command(page, *sub, path + " " + sub->get_name());
  }
}

void write_entries(std::ostream& page, const auto& entries) {
  for (const Entry& entry : entries) {
    page << ".TP\n" << bold(entry.name) << "\n" << roff_escape(entry.text) << "\n";
  }
}

}  // namespace

std::string roff_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";  // not a request
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
    line_start = c == '\n';
  }
  return out;
}

std::string render_man_page(const CLI::App& root, std::string_view version) {
  std::ostringstream page;
  // No date in the header: the page is generated at build time and should not change
  // from one build of the same sources to the next.
  page << ".TH SGWATCH 1 \"\" " << macro_argument(std::string("sgwatch ") + std::string(version))
       << " \"User Commands\"\n";
  // Paths, options and ARNs read best unbroken and unstretched: no hyphenation, ragged right.
  page << ".nh\n.ad l\n";
  page << ".SH NAME\nsgwatch \\- " << roff_escape(kNameLine) << "\n";
  page << ".SH SYNOPSIS\n"
       << bold("sgwatch") << " [" << italic("global options") << "] " << italic("command")
       << " [" << italic("options") << "] [" << italic("arguments") << "]\n";
  page << ".SH DESCRIPTION\n" << roff_escape(root.get_description()) << "\n.PP\n"
       << roff_escape(kDescriptionMore) << "\n.PP\n" << roff_escape(kServiceParagraph) << "\n";

  page << ".SH OPTIONS\n";
  write_options(page, documented_options(root, /*top=*/true));
  page << ".PP\nEvery command also takes " << bold("-h") << ", " << bold("--help") << ".\n";

  page << ".SH COMMANDS\n";
  for (const CLI::App* command : subcommands_of(root)) {
    write_command(page, *command, command->get_name());
  }

  page << ".SH EXIT STATUS\n";
  for (const ExitStatus& status : kExitStatuses) {
    page << ".TP\n" << bold(std::to_string(status.code)) << "\n"
         << roff_escape(status.meaning) << "\n";
  }
  page << ".SH ENVIRONMENT\n";
  write_entries(page, kEnvironment);
  page << ".SH FILES\n";
  write_entries(page, kFiles);
  page << ".SH SEE ALSO\n" << kSeeAlso;
  return page.str();
}

Command man_command() {
  return {"man", "Print this manual page as roff (what `man` reads)",
          [](CLI::App& app) -> CommandRun {
            // Hidden from --help: packaging runs it to make sgwatch.1.
            app.group("");
            const CLI::App* root = app.get_parent();
            return [root](CommandContext& ctx) {
              ctx.out << render_man_page(*root, kSgwatchVersion);
              return kExitOk;
            };
          },
          ConfigUse::kNone};
}

}  // namespace sgwatch
