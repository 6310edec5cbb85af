// A test that talks to a fresh emulator on loopback, started with the default seed
// (account 111122223333; users admin and readonly; role sgwatch-reader).
#pragma once

#include <memory>

#include <gtest/gtest.h>

#include "core/clock.h"
#include "emulator/emulator.h"
#include "emulator/seed.h"

namespace sgwatch::testing {

class EmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = emulator::Emulator::start(emulator::EmulatorOptions{}, clock_);
    ASSERT_TRUE(started) << started.error();
    emulator_ = std::move(*started);
    auto seeded = emulator::apply_seed(*emulator_, emulator::default_seed());
    ASSERT_TRUE(seeded) << seeded.error();
  }

  SystemClock clock_;
  std::unique_ptr<emulator::Emulator> emulator_;
};

}  // namespace sgwatch::testing
