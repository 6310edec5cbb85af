#include "emulator/sqs/sqs_queue.h"

#include <gtest/gtest.h>

namespace sgwatch::emulator::sqs_queue_test {
namespace {

using std::chrono::seconds;

class SqsQueueTest : public ::testing::Test {
 protected:
  SqsQueue make(SqsQueueSettings settings = {}) {
    return SqsQueue("q", "111122223333", "eu-west-1", "http://127.0.0.1:1/111122223333/q",
                    wall_, settings);
  }
  std::vector<SqsMessage> receive(SqsQueue& queue, size_t max, seconds visibility,
                                  SteadyTime at, bool redrive = false) {
    return queue.receive(max, visibility, wall_, at, redrive,
                         [this] { return "handle-" + std::to_string(++handles_); }, dead_);
  }

  Timestamp wall_{std::chrono::milliseconds(1'795'000'000'000)};
  SteadyTime t0_{seconds(1000)};
  std::vector<SqsMessage> dead_;
  int handles_ = 0;
};

TEST_F(SqsQueueTest, ReceivedMessageHidesForItsVisibilityThenReturnsCountedAgain) {
  SqsQueue queue = make();
  EXPECT_EQ(queue.arn(), "arn:aws:sqs:eu-west-1:111122223333:q");
  queue.push("m1", "hello", wall_, t0_);
  EXPECT_EQ(queue.counts(t0_).visible, 1u);

  auto first = receive(queue, 10, seconds(30), t0_);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].md5_of_body, "5d41402abc4b2a76b9719d911017c592");  // MD5("hello")
  EXPECT_EQ(first[0].receive_count, 1);
  EXPECT_EQ(first[0].first_received_at, wall_);
  EXPECT_EQ(queue.counts(t0_).in_flight, 1u);
  EXPECT_TRUE(receive(queue, 10, seconds(30), t0_ + seconds(29)).empty());
  EXPECT_EQ(queue.next_visible_after(t0_), t0_ + seconds(30));

  auto second = receive(queue, 10, seconds(30), t0_ + seconds(30));
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].receive_count, 2);
  EXPECT_NE(second[0].receipt_handle, first[0].receipt_handle);

  // The earlier handle is stale: accepted, deletes nothing; the current one deletes.
  EXPECT_EQ(queue.erase(first[0].receipt_handle), SqsHandle::kStale);
  EXPECT_EQ(queue.bodies().size(), 1u);
  EXPECT_EQ(queue.change_visibility(first[0].receipt_handle, seconds(0), t0_), SqsHandle::kStale);
  EXPECT_EQ(queue.erase(second[0].receipt_handle), SqsHandle::kCurrent);
  EXPECT_TRUE(queue.bodies().empty());
  EXPECT_EQ(queue.erase(second[0].receipt_handle), SqsHandle::kGone);
  EXPECT_EQ(queue.erase("never-given"), SqsHandle::kUnknown);
}

TEST_F(SqsQueueTest, ChangeVisibilityZeroMakesVisibleAtOnce) {
  SqsQueue queue = make();
  queue.push("m1", "a", wall_, t0_);
  auto got = receive(queue, 1, seconds(600), t0_);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(queue.change_visibility(got[0].receipt_handle, seconds(0), t0_), SqsHandle::kCurrent);
  EXPECT_EQ(receive(queue, 1, seconds(600), t0_).size(), 1u);
}

TEST_F(SqsQueueTest, TakesAtMostMaxOldestFirst) {
  SqsQueue queue = make();
  for (int i = 0; i < 5; ++i) queue.push("m" + std::to_string(i), std::to_string(i), wall_, t0_);
  auto got = receive(queue, 3, seconds(30), t0_);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].body, "0");
  EXPECT_EQ(got[2].body, "2");
  auto counts = queue.counts(t0_);
  EXPECT_EQ(counts.visible, 2u);
  EXPECT_EQ(counts.in_flight, 3u);
}

TEST_F(SqsQueueTest, MessageReceivedMaxReceiveCountTimesGoesToDeadLetters) {
  SqsQueueSettings settings;
  settings.max_receive_count = 2;
  settings.dead_letter_target_arn = "arn:aws:sqs:eu-west-1:111122223333:dlq";
  SqsQueue queue = make(settings);
  queue.push("m1", "poison", wall_, t0_);
  EXPECT_EQ(receive(queue, 1, seconds(1), t0_, true).size(), 1u);
  EXPECT_EQ(receive(queue, 1, seconds(1), t0_ + seconds(1), true).size(), 1u);
  // Visible again after two receives: moved, not delivered.
  EXPECT_TRUE(receive(queue, 1, seconds(1), t0_ + seconds(2), true).empty());
  ASSERT_EQ(dead_.size(), 1u);
  EXPECT_EQ(dead_[0].id, "m1");
  EXPECT_EQ(dead_[0].body, "poison");
  EXPECT_EQ(queue.counts(t0_ + seconds(2)).moved_to_dead_letter, 1u);
  EXPECT_TRUE(queue.bodies().empty());

  SqsQueue dlq = make();
  dlq.adopt(dead_[0], t0_);
  auto moved = receive(dlq, 1, seconds(30), t0_);
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].id, "m1");
  EXPECT_EQ(moved[0].receive_count, 1);
}

TEST_F(SqsQueueTest, WithoutRedriveTheMessageKeepsComing) {
  SqsQueueSettings settings;
  settings.max_receive_count = 1;
  SqsQueue queue = make(settings);
  queue.push("m1", "x", wall_, t0_);
  for (int i = 0; i < 3; ++i) {
    auto got = receive(queue, 1, seconds(0), t0_ + seconds(i), false);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].receive_count, i + 1);
  }
  EXPECT_TRUE(dead_.empty());
}

TEST_F(SqsQueueTest, DelayAndRetention) {
  SqsQueueSettings settings;
  settings.delay_seconds = 5;
  settings.message_retention_period = 60;
  SqsQueue queue = make(settings);
  queue.push("m1", "late", wall_, t0_);
  queue.push("m2", "now", wall_, t0_, 0);
  EXPECT_EQ(queue.counts(t0_).delayed, 1u);
  auto got = receive(queue, 10, seconds(30), t0_);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, "now");
  EXPECT_EQ(receive(queue, 10, seconds(30), t0_ + seconds(5)).size(), 1u);
  // Past the retention period every message is gone, received or not.
  EXPECT_TRUE(receive(queue, 10, seconds(30), t0_ + seconds(61)).empty());
  EXPECT_TRUE(queue.bodies().empty());
}

TEST_F(SqsQueueTest, PurgeEmptiesTheQueue) {
  SqsQueue queue = make();
  queue.push("m1", "x", wall_, t0_);
  queue.push("m2", "y", wall_, t0_);
  queue.purge();
  EXPECT_TRUE(queue.bodies().empty());
  EXPECT_EQ(queue.counts(t0_).visible, 0u);
}

}  // namespace
}  // namespace sgwatch::emulator::sqs_queue_test
