// `sgwatch once`: one observation cycle of every chosen region of the account the
// credential chain gives: read, diff, record, print. Exit 1 when any region failed.
#include <thread>

#include <spdlog/spdlog.h>

#include "app/command.h"
#include "app/ingest_report.h"
#include "app/scope_cycle.h"
#include "aws/credential_chain.h"
#include "aws/curl_transport.h"
#include "aws/sts_client.h"
#include "state/sqlite_store.h"

namespace sgwatch {
namespace {

struct OnceOptions {
  std::vector<std::string> regions;
};

int run_once(CommandContext& ctx, const OnceOptions& options) {
  const EnvLookup env = process_env();
  auto config = load_shared_config(env);
  if (!config) return report(ctx, config.error());
  std::vector<Region> regions;
  std::vector<std::string> names = options.regions;
  if (names.empty()) {
    if (auto configured = configured_region(env, *config, selected_profile(env))) names.push_back(*configured);
  }
  if (names.empty()) {
    return report(ctx, Error{ErrorCode::kInvalidInput,
                             "no region: pass --region, or set AWS_REGION or the profile's region"});
  }
  for (const std::string& name : names) {
    auto region = Region::parse(name);
    if (!region) return report(ctx, region.error().within("--region"));
    regions.push_back(*region);
  }

  CurlTransport transport;
  // Off EC2 and outside containers the metadata endpoints never answer: fail fast.
  CurlTransportOptions metadata_options;
  metadata_options.connect_timeout = std::chrono::milliseconds(1000);
  metadata_options.total_timeout = std::chrono::milliseconds(2000);
  CurlTransport metadata_transport(metadata_options);
  // AWS_MAX_ATTEMPTS, as the SDKs read it; standard mode's 3 otherwise.
  int max_attempts = 3;
  if (auto configured = env("AWS_MAX_ATTEMPTS")) {
    try {
      max_attempts = std::stoi(*configured);
    } catch (const std::exception&) {
      return report(ctx, Error{ErrorCode::kInvalidInput,
                               "AWS_MAX_ATTEMPTS is '" + *configured + "', not a number"});
    }
  }
  RetryPolicy retries(max_attempts);
  QueryClient client(transport, ctx.clock, env, retries,
                     [](std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); });
  StsClient sts(client, regions.front().str());
  auto chain = default_credential_chain({env, *config, sts, ctx.clock, metadata_transport});
  if (!chain) return report(ctx, chain.error());
  auto credentials = (*chain)->credentials();
  if (!credentials) return report(ctx, credentials.error());
  auto identity = sts.get_caller_identity(*credentials);
  if (!identity) return report(ctx, identity.error());
  auto account = AccountId::parse(identity->account);
  if (!account) return report(ctx, account.error().within("sts:GetCallerIdentity"));
  spdlog::info("Observing account {} as {}.", identity->account, identity->arn);

  auto store = SqliteStore::open_writer(resolve_store_path(ctx.global));
  if (!store) return report(ctx, store.error());
  int failed = 0;
  nlohmann::json json = nlohmann::json::array();
  for (const Region& region : regions) {
    Scope scope{*account, region};
    auto outcome = run_scope_cycle(client, *credentials, **store, scope, ctx.clock.now());
    if (!outcome) {
      ++failed;
      spdlog::warn("Skipped {} this cycle, nothing in it was recorded: {}", scope.str(),
                   outcome.error().message);
      continue;
    }
    if (ctx.global.output == OutputFormat::kJson) {
      json.push_back(record_json(outcome->snapshot, outcome->result));
    } else {
      ctx.out << record_text(outcome->snapshot, outcome->result);
    }
  }
  if (ctx.global.output == OutputFormat::kJson) ctx.out << json.dump(2) << "\n";
  return failed == 0 ? kExitOk : kExitFailure;
}

}  // namespace

Command once_command() {
  return {"once",
          "Observe every chosen region once: read all groups through the EC2 API, record what "
          "changed, print it",
          [](CLI::App& app) -> CommandRun {
            auto options = std::make_shared<OnceOptions>();
            app.add_option("--region", options->regions,
                           "A region to observe (repeatable; default: AWS_REGION or the profile's)");
            return [options](CommandContext& ctx) { return run_once(ctx, *options); };
          }};
}

}  // namespace sgwatch
