// sgwatch-emulator: the built-in AWS emulator as a program, for trying sgwatch and awscli
// against a loopback AWS. Prints the endpoint once it is serving.
#include <csignal>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "emulator/emulator.h"
#include "emulator/seed.h"

namespace {

volatile std::sig_atomic_t stop_requested = 0;

void request_stop(int) { stop_requested = 1; }

}  // namespace

int main(int argc, char** argv) {
  using namespace sgwatch::emulator;
  CLI::App app("sgwatch-emulator: EC2 security groups, STS and credential endpoints on "
               "loopback, with SigV4 verified on every call",
               "sgwatch-emulator");
  EmulatorOptions options;
  std::string seed_file;
  std::string log_level = "info";
  app.add_option("--host", options.host, "Address to listen on")->capture_default_str();
  app.add_option("--port", options.port, "Port to listen on (0: any free port)")
      ->capture_default_str();
  app.add_option("--seed", seed_file,
                 "JSON seed: accounts, identities, groups (default: a small built-in seed)");
  app.add_option("--id-seed", options.seed, "Non-zero: deterministic ids and keys");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::from_str(log_level));

  nlohmann::json seed = default_seed();
  if (!seed_file.empty()) {
    std::ifstream in(seed_file);
    if (!in) {
      std::cerr << "sgwatch-emulator: error: cannot open the seed file '" << seed_file << "'\n";
      return 1;
    }
    seed = nlohmann::json::parse(in, nullptr, false);
    if (seed.is_discarded()) {
      std::cerr << "sgwatch-emulator: error: the seed file '" << seed_file
                << "' is not valid JSON\n";
      return 1;
    }
  }
  if (auto regions = seed_regions(seed); !regions.empty()) options.regions = regions;

  sgwatch::SystemClock clock;
  auto emulator = Emulator::start(options, clock);
  if (!emulator) {
    std::cerr << "sgwatch-emulator: error: " << emulator.error() << "\n";
    return 1;
  }
  if (auto applied = apply_seed(**emulator, seed); !applied) {
    std::cerr << "sgwatch-emulator: error: " << (seed_file.empty() ? "built-in seed" : seed_file)
              << ": " << applied.error() << "\n";
    return 1;
  }
  // Handlers first: whoever reads the line below may signal us at once.
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  std::cout << "sgwatch-emulator listening on " << (*emulator)->endpoint() << std::endl;
  while (!stop_requested) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  (*emulator)->stop();
  return 0;
}
