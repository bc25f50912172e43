// SPDX-License-Identifier: EUPL-1.2
// WatchLab pushes a change at once: with a keep-alive interval of a minute,
// a machine blocked by staff is in the very next snapshot, and so is its
// unblock after it — the watch does not wait for the interval.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "lab_fixture.h"
#include "werkbank/v1/machines.grpc.pb.h"
#include "werkbank/v1/monitor.grpc.pb.h"

namespace werkbank::testing {
namespace {

const v1::Machine* FindMachine(const v1::LabSnapshot& s,
                               const std::string& id) {
  for (const auto& m : s.machines()) {
    if (m.id() == id) return &m;
  }
  return nullptr;
}

class WatchLabPushE2E : public LabE2E {
 protected:
  void SetUp() override { StartDaemonAndLogIn(); }

  v1::Machine Call(bool block) {
    auto machines = v1::Machines::NewStub(ch_);
    v1::Machine m;
    auto ctx = Authed(admin_);
    grpc::Status s;
    if (block) {
      v1::BlockRequest req;
      req.set_id("laser-1");
      req.set_reason("lens cleaning");
      s = machines->Block(ctx.get(), req, &m);
    } else {
      v1::UnblockRequest req;
      req.set_id("laser-1");
      s = machines->Unblock(ctx.get(), req, &m);
    }
    EXPECT_TRUE(s.ok()) << s.error_message();
    return m;
  }
};

TEST_F(WatchLabPushE2E, ABlockIsInTheNextSnapshotLongBeforeTheInterval) {
  auto ctx = Authed(admin_);
  // Half the keep-alive interval: a snapshot that only came with the
  // interval would never arrive, and the read below would fail.
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::seconds(30));
  v1::WatchLabRequest req;
  req.set_min_interval_ms(60000);
  auto reader = v1::Monitor::NewStub(ch_)->WatchLab(ctx.get(), req);

  v1::LabSnapshot first;
  ASSERT_TRUE(reader->Read(&first));
  const v1::Machine* laser = FindMachine(first, "laser-1");
  ASSERT_NE(laser, nullptr);
  EXPECT_NE(laser->state(), v1::MACHINE_STATE_BLOCKED);

  EXPECT_EQ(Call(/*block=*/true).state(), v1::MACHINE_STATE_BLOCKED);
  v1::LabSnapshot blocked;
  ASSERT_TRUE(reader->Read(&blocked)) << reader->Finish().error_message();
  laser = FindMachine(blocked, "laser-1");
  ASSERT_NE(laser, nullptr);
  EXPECT_EQ(laser->state(), v1::MACHINE_STATE_BLOCKED);
  EXPECT_THAT(laser->fault_reason(), ::testing::HasSubstr("lens cleaning"));

  EXPECT_NE(Call(/*block=*/false).state(), v1::MACHINE_STATE_BLOCKED);
  v1::LabSnapshot unblocked;
  ASSERT_TRUE(reader->Read(&unblocked)) << reader->Finish().error_message();
  laser = FindMachine(unblocked, "laser-1");
  ASSERT_NE(laser, nullptr);
  EXPECT_NE(laser->state(), v1::MACHINE_STATE_BLOCKED);

  ctx->TryCancel();
}

}  // namespace
}  // namespace werkbank::testing
