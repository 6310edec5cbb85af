// `sgwatch demo`: the main job end to end against the built-in AWS emulator, in a
// temporary store, told step by step (demo_story.h): the baseline, department B opening
// RDP to the world, the diff, the history, the Slack message and the owners' email, and
// the config to watch a real account with.
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/command.h"
#include "app/demo_alerts.h"
#include "app/demo_story.h"
#include "app/embedded_files.h"
#include "app/ingest_report.h"
#include "app/render.h"
#include "app/scope_cycle.h"
#include "aws/curl_transport.h"
#include "aws/ec2_xml.h"
#include "core/time_format.h"
#include "emulator/emulator.h"
#include "emulator/seed.h"
#include "state/sqlite_store.h"

namespace sgwatch {
namespace {

constexpr const char* kAccount = "111122223333";
constexpr const char* kRegion = "eu-west-1";
const AwsCredentials kSgwatchKeys{"AKIADEMOSGWATCH00000", "demo-sgwatch-secret", "", std::nullopt};
const AwsCredentials kDeptBKeys{"AKIADEMODEPTB0000000", "demo-dept-b-secret", "", std::nullopt};

struct DemoOptions {
  bool keep = false;
  DemoDelivery delivery;
  ColourChoice colour = ColourChoice::kAuto;
};

// A directory that is removed with everything in it when this object goes away, unless
// it is released.
class TemporaryDirectory {
 public:
  static Result<TemporaryDirectory> create() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/sgwatch-demo-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      return fail(ErrorCode::kIo, "cannot create a temporary directory from '" + pattern + "'");
    }
    return TemporaryDirectory(pattern);
  }
  TemporaryDirectory(TemporaryDirectory&& other) noexcept : path_(std::move(other.path_)) {
    other.path_.clear();
  }
  ~TemporaryDirectory() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }
  void release() { path_.clear(); }

 private:
  explicit TemporaryDirectory(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Department B's engineer, through the EC2 API as anyone would: finds department A's
// group by name and opens RDP to the world on it.
Result<GroupId> open_rdp_as_department_b(QueryClient& client) {
  auto listed = client.call({"ec2", kRegion, "DescribeSecurityGroups", "2016-11-15",
                             {{"Filter.1.Name", "group-name"}, {"Filter.1.Value.1", "web-dept-a"}}},
                            &kDeptBKeys);
  if (!listed) return tl::unexpected(listed.error());
  auto page = parse_describe_security_groups_xml(*listed);
  if (!page) return tl::unexpected(page.error());
  if (page->groups.size() != 1) return invalid("the demo account has no single web-dept-a group");
  const GroupId group = page->groups[0].id;
  auto opened = client.call({"ec2", kRegion, "AuthorizeSecurityGroupIngress", "2016-11-15",
                             {{"GroupId", group.str()},
                              {"IpPermissions.1.IpProtocol", "tcp"},
                              {"IpPermissions.1.FromPort", "3389"},
                              {"IpPermissions.1.ToPort", "3389"},
                              {"IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"},
                              {"IpPermissions.1.IpRanges.1.Description", "RDP for dept B vendor"}}},
                            &kDeptBKeys);
  if (!opened) return tl::unexpected(opened.error());
  return group;
}

// The story, step by step, from what sgwatch printed and sent.
void tell_story(DemoStory story, const std::string& endpoint, const CycleOutcome& baseline,
                const CycleOutcome& change, const GroupId& group, const std::string& history,
                const DemoAlerts& alerts) {
  story.say(fmt::format(
      "sgwatch demo: account {} in {} is shared by departments A and B. sgwatch's built-in\n"
      "AWS emulator serves it on {}.\n",
      kAccount, kRegion, endpoint));
  story.step("sgwatch looks at every security group with a read-only identity. Its first\n"
             "look is the baseline: nothing is a change yet.");
  story.shown(record_text(baseline.snapshot, baseline.result));
  story.step("Department B's engineer, bob-dept-b, finds department A's group web-dept-a and\n"
             "opens RDP (tcp/3389) on it to the whole internet, with the EC2 API. sgwatch\n"
             "looks again and finds the change, rule by rule:");
  story.shown(record_text(change.snapshot, change.result));
  story.step("Every revision is kept. `sgwatch history " + group.str() + "`:");
  story.shown(history);
  story.step("The security team's Slack channel is told what changed, who did it and from\n"
             "where (from CloudTrail), and how risky it is:");
  story.shown(alerts.slack_text);
  story.step("Department A, named by the group's OwnerDL tag, gets this email:");
  story.shown(alerts.email_text);
  if (!alerts.delivered.empty()) story.say("\n" + alerts.delivered);
  story.step("Now watch a real account. Save this as /etc/sgwatch/sgwatch.toml, put the Slack\n"
             "webhook's URL in /etc/sgwatch/slack.url, give sgwatch the read-only IAM policy\n"
             "(README.md, AWS setup), then: `sgwatch validate`, `sgwatch once` (the\n"
             "baseline) and `systemctl enable --now sgwatch` (or `sgwatch watch`).");
  story.shown(real_account_config());
}

int run_demo(CommandContext& ctx, const DemoOptions& options) {
  auto directory = TemporaryDirectory::create();
  if (!directory) return report(ctx, directory.error());
  const std::string store_path = ctx.global.store_path.empty()
                                     ? directory->path() + "/sgwatch.db"
                                     : ctx.global.store_path;
  auto store = SqliteStore::open_writer(store_path);
  if (!store) return report(ctx, store.error());

  // The built-in AWS emulator, on loopback, with the demo account.
  emulator::EmulatorOptions emulator_options;
  emulator_options.regions = {kRegion};
  emulator_options.seed = 20261123;  // the same ids every run
  auto aws = emulator::Emulator::start(emulator_options, ctx.clock);
  if (!aws) return report(ctx, Error{ErrorCode::kIo, "cannot start the emulator: " + aws.error()});
  auto seed = nlohmann::json::parse(embedded_file("seed.json"), nullptr, false);
  if (auto seeded = emulator::apply_seed(**aws, seed); !seeded) {
    return report(ctx, Error{ErrorCode::kIo, "the demo seed: " + seeded.error()});
  }

  const std::string endpoint = (*aws)->endpoint();
  EnvLookup env = [endpoint](const std::string& name) -> std::optional<std::string> {
    if (name == "AWS_ENDPOINT_URL") return endpoint;
    return std::nullopt;
  };
  CurlTransportOptions transport_options;
  transport_options.allow_only_loopback = true;
  CurlTransport transport(transport_options);
  RetryPolicy retries;
  QueryClient client(transport, ctx.clock, env, retries,
                     [](std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); });
  const Scope scope{AccountId::parse(kAccount).value(), Region::parse(kRegion).value()};

  auto baseline = run_scope_cycle(client, kSgwatchKeys, **store, scope, ctx.clock.now());
  if (!baseline) return report(ctx, baseline.error());
  auto group = open_rdp_as_department_b(client);
  if (!group) return report(ctx, group.error());
  auto change = run_scope_cycle(client, kSgwatchKeys, **store, scope, ctx.clock.now());
  if (!change) return report(ctx, change.error());
  auto history = (*store)->history(*group);
  if (!history) return report(ctx, history.error());
  ChangeQuery query;
  query.group = *group;
  auto changes = (*store)->changes(query);
  if (!changes) return report(ctx, changes.error());
  if (changes->empty()) return report(ctx, Error{ErrorCode::kNotFound, "the demo's change is not stored"});
  auto view = load_change(**store, changes->back());
  if (!view) return report(ctx, view.error());
  auto alerts = demo_alerts(*view, **aws, options.delivery, ctx.clock, ctx.global.zone);
  if (!alerts) return report(ctx, alerts.error());
  // The emulator stops when `aws` goes, after the transport has closed its connections:
  // stopping it first would wait for them to time out.

  if (ctx.global.output == OutputFormat::kJson) {
    nlohmann::json out = {{"baseline", record_json(baseline->snapshot, baseline->result)},
                          {"change", record_json(change->snapshot, change->result)},
                          {"history", history_json(*history)},
                          {"slack", alerts->slack_text},
                          {"email", alerts->email_text}};
    ctx.out << out.dump(2) << "\n";
  } else {
    tell_story(DemoStory(ctx.out, use_colour(options.colour, STDOUT_FILENO, process_env())),
               endpoint, *baseline, *change, *group, history_text(*history, ctx.global.zone),
               *alerts);
  }
  if (options.keep && ctx.global.store_path.empty()) {
    directory->release();
    ctx.err << "The demo store is kept at " << store_path << "; try: sgwatch --store "
            << store_path << " history " << group->str() << "\n";
  }
  return kExitOk;
}

}  // namespace

Command demo_command() {
  return {"demo",
          "Show sgwatch at work against its built-in AWS emulator: a baseline, department B "
          "opening RDP to the world on department A's group through the EC2 API, the diff, "
          "the history, and the Slack message and email that tell of it",
          [](CLI::App& app) -> CommandRun {
            auto options = std::make_shared<DemoOptions>();
            app.add_flag("--keep", options->keep,
                         "Keep the temporary store and print its path, to explore it with "
                         "history and show");
            app.add_option("--slack-url", options->delivery.slack_url,
                           "Also post the Slack message to this incoming webhook");
            app.add_option("--colour,--color", options->colour,
                           "Colour the story: auto (on a terminal, unless NO_COLOR is set), "
                           "always or never")
                ->transform(CLI::CheckedTransformer(
                    std::map<std::string, ColourChoice>{{"auto", ColourChoice::kAuto},
                                                        {"always", ColourChoice::kAlways},
                                                        {"never", ColourChoice::kNever}}));
            app.add_option("--smtp", options->delivery.smtp,
                           "Also send the email through this SMTP server (HOST:PORT; STARTTLS "
                           "unless it is this machine)");
            return [options](CommandContext& ctx) { return run_demo(ctx, *options); };
          },
          ConfigUse::kNone};
}

}  // namespace sgwatch
