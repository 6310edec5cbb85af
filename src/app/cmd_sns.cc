// `sgwatch sns verify FILE...`: checks captured SNS deliveries offline, with the same
// verifier the HTTPS endpoint uses, against certificates in a cache directory.
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/command.h"
#include "app/read_input.h"
#include "core/duration.h"
#include "core/time_format.h"
#include "sources/sns_certificates.h"
#include "sources/sns_message.h"
#include "sources/sns_verifier.h"

namespace sgwatch {
namespace {

struct SnsVerifyFlags {
  std::vector<std::string> files;
  std::string cert_dir;
  std::string at;
  std::string max_age;
  std::vector<std::string> topics;
};

struct FileOutcome {
  std::string file;
  std::optional<SnsMessage> message;  // when the file parsed
  Result<SnsVerified> verified = tl::unexpected(Error{});
};

// A parse error names its source first; the line already starts with the file name.
std::string reason(const std::string& file, const Error& error) {
  const std::string prefix = file + ": ";
  if (error.message.starts_with(prefix)) return error.message.substr(prefix.size());
  return error.message;
}

nlohmann::json outcome_json(const FileOutcome& outcome) {
  const bool ok = outcome.verified.has_value();
  nlohmann::json out = {{"file", outcome.file}, {"verified", ok}};
  if (outcome.message) {
    out["type"] = to_string(outcome.message->type);
    out["message_id"] = outcome.message->message_id;
    out["topic_arn"] = outcome.message->topic_arn;
  } else {
    out["type"] = out["message_id"] = out["topic_arn"] = nullptr;
  }
  if (ok) {
    out["reason"] = nullptr;
    out["algorithm"] = outcome.verified->signature_algorithm;
    out["certificate"] = outcome.verified->certificate_file;
  } else {
    out["reason"] = reason(outcome.file, outcome.verified.error());
  }
  return out;
}

std::string outcome_text(const FileOutcome& outcome) {
  if (!outcome.verified) {
    return fmt::format("{}: rejected: {}\n", outcome.file,
                       reason(outcome.file, outcome.verified.error()));
  }
  return fmt::format("{}: verified: {} {} from {}, {}, certificate {}\n", outcome.file,
                     to_string(outcome.message->type), outcome.message->message_id,
                     outcome.message->topic_arn, outcome.verified->signature_algorithm,
                     outcome.verified->certificate_file);
}

int run_sns_verify(CommandContext& ctx, const SnsVerifyFlags& flags) {
  SnsVerifyOptions options;
  Timestamp now = ctx.clock.now();
  if (!flags.at.empty()) {
    auto at = parse_time(flags.at);
    if (!at) return report(ctx, at.error().within("--at"));
    now = *at;
  }
  if (!flags.max_age.empty()) {
    auto max_age = parse_duration(flags.max_age);
    if (!max_age) return report(ctx, max_age.error().within("--max-age"));
    options.max_age = *max_age;
  }
  if (!flags.topics.empty()) options.allowed_topics = flags.topics;

  // Offline on purpose: a file on disk proves nothing about where it came from, so this
  // command fetches nothing a message names.
  SnsCertificates certificates(flags.cert_dir, /*fetcher=*/nullptr);
  const SnsVerifier verifier(std::move(options), certificates);

  std::vector<FileOutcome> outcomes;
  bool all_verified = true;
  for (const std::string& file : flags.files) {
    FileOutcome outcome;
    outcome.file = file;
    auto body = read_input(file);
    if (!body) {
      outcome.verified = tl::unexpected(body.error());
    } else if (auto message = parse_sns_message(*body, file); !message) {
      outcome.verified = tl::unexpected(message.error());
    } else {
      outcome.message = std::move(*message);
      outcome.verified = verifier.verify(*outcome.message, now);
    }
    all_verified = all_verified && outcome.verified.has_value();
    outcomes.push_back(std::move(outcome));
  }

  if (ctx.global.output == OutputFormat::kJson) {
    nlohmann::json out = nlohmann::json::array();
    for (const FileOutcome& outcome : outcomes) out.push_back(outcome_json(outcome));
    ctx.out << out.dump(2) << "\n";
  } else {
    for (const FileOutcome& outcome : outcomes) ctx.out << outcome_text(outcome);
  }
  return all_verified ? kExitOk : kExitFailure;
}

}  // namespace

Command sns_command() {
  return {"sns", "Check SNS deliveries: `sns verify FILE...` checks their signatures offline",
          [](CLI::App& app) -> CommandRun {
            app.require_subcommand(1);
            CLI::App* verify = app.add_subcommand(
                "verify",
                "Check captured SNS messages (HTTP delivery bodies) as the SNS endpoint would: "
                "signature, certificate URL, certificate validity, age and topic. Offline: "
                "certificates come only from --cert-dir");
            auto flags = std::make_shared<SnsVerifyFlags>();
            verify->add_option("FILE", flags->files, "Files to check ('-' for standard input)")
                ->required();
            verify
                ->add_option("--cert-dir", flags->cert_dir,
                             "Directory of signing certificates, each named as the last path "
                             "segment of its SigningCertURL")
                ->required();
            verify->add_option("--at", flags->at,
                               "Check as of this time instead of now (for captured messages)");
            verify->add_option("--max-age", flags->max_age,
                               "Oldest message accepted, relative to --at (default 1h)");
            verify
                ->add_option("--topic", flags->topics,
                             "Accept only topics whose ARN matches this glob; repeatable")
                ->allow_extra_args(false);
            return [flags](CommandContext& ctx) { return run_sns_verify(ctx, *flags); };
          },
          ConfigUse::kNone};
}

}  // namespace sgwatch
