// Each problem told once when it begins, again only after it ended.
#include "app/health_monitor.h"

#include <gtest/gtest.h>

namespace sgwatch::health_monitor_test {
namespace {

const Scope kScope{*AccountId::parse("111122223333"), *Region::parse("eu-west-1")};

HealthProblem destination(const std::string& name, const std::string& incident) {
  return {.kind = HealthProblemKind::kDestinationFailing,
          .scope = kScope,
          .subject = "destination " + name,
          .incident = incident,
          .summary = name + " fails"};
}

std::vector<std::string> subjects(const std::vector<HealthProblem>& problems) {
  std::vector<std::string> out;
  for (const HealthProblem& problem : problems) out.push_back(problem.subject);
  return out;
}

TEST(HealthMonitor, TellsAProblemOnceWhileItLasts) {
  HealthMonitor monitor;
  EXPECT_EQ(subjects(monitor.begun({destination("slack", "t1")})),
            std::vector<std::string>{"destination slack"});
  // Still open, even when its facts moved on (the oldest alert was delivered).
  EXPECT_TRUE(monitor.begun({destination("slack", "t2")}).empty());
  EXPECT_EQ(subjects(monitor.begun({destination("slack", "t2"), destination("email", "t3")})),
            std::vector<std::string>{"destination email"});
}

TEST(HealthMonitor, AProblemThatEndedIsToldAgainWhenItComesBack) {
  HealthMonitor monitor;
  EXPECT_EQ(monitor.begun({destination("slack", "t1")}).size(), 1u);
  EXPECT_TRUE(monitor.begun({}).empty());
  EXPECT_EQ(monitor.begun({destination("slack", "t5")}).size(), 1u);
}

TEST(HealthMonitor, AForgottenProblemIsToldAgain) {
  HealthMonitor monitor;
  auto began = monitor.begun({destination("slack", "t1")});
  monitor.forget(began);
  EXPECT_EQ(monitor.begun({destination("slack", "t1")}).size(), 1u);
}

}  // namespace
}  // namespace sgwatch::health_monitor_test
