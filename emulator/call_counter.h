// How many AWS API calls the emulator has received, by service and action
// ("ec2:DescribeSecurityGroups"), so tests and benchmarks can check what a client asked
// for: that a quiet cycle reads each page once and makes no other call, that a retry
// really retried. Every call whose service and action are known is counted, whether it
// then succeeds or fails, injected faults included.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace sgwatch::emulator {

class CallCounter {
 public:
  void count(std::string_view service, std::string_view action);
  // Calls of one action of one service since the last reset.
  uint64_t calls(std::string_view service, std::string_view action) const;
  // Every call since the last reset.
  uint64_t total() const;
  // Each counted "service:Action" and its calls, in key order.
  std::map<std::string, uint64_t> by_action() const;
  void reset();

  // What GET /_emulator/calls answers: {"calls": {"ec2:DescribeSecurityGroups": 10},
  // "total": 10}.
  nlohmann::json to_json() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, uint64_t, std::less<>> counts_;
  uint64_t total_ = 0;
};

}  // namespace sgwatch::emulator
