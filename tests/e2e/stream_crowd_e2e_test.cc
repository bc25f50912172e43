// SPDX-License-Identifier: EUPL-1.2
// Issue 11, finding 1: a crowd of accounts that open uploads and never send
// them cannot take the lab from everyone else. Twenty participants open
// eight uploads each and send only a header: the lab-wide limit refuses what
// is beyond it, staff still log in, see the machines and stop one, and every
// held upload is closed once it has sent nothing for the idle time, which
// frees its place.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "lab_fixture.h"
#include "werkbank/v1/jobs.grpc.pb.h"
#include "werkbank/v1/machines.grpc.pb.h"

namespace werkbank::testing {
namespace {

constexpr char kLab[] = R"(
time_zone: "Europe/Berlin"
opening_hours { days: [MONDAY] open: "09:00" close: "18:00" }
machine_classes { name: "laser" }
machines { id: "laser-1" machine_class: "laser" protocol: "grbl" port: "sim:grbl"
           envelope { x_mm: 600 y_mm: 400 } }
server { max_streams_per_user: 8 max_streams_total: 64 upload_idle_seconds: 2 }
)";

struct HeldUpload {
  std::unique_ptr<grpc::ClientContext> ctx;
  std::unique_ptr<grpc::ClientWriter<v1::UploadJobRequest>> writer;
  v1::Job job;
};

class StreamCrowdE2E : public LabE2E {};

TEST_F(StreamCrowdE2E, IdleUploadsOfManyAccountsLeaveTheLabToStaff) {
  StartDaemonAndLogIn({.config_text = kLab});
  std::vector<std::string> crowd;
  for (int i = 0; i < 20; ++i) {
    crowd.push_back(NewUser("pupil-" + std::to_string(i), {"participant"}));
  }
  auto jobs = v1::Jobs::NewStub(ch_);
  std::vector<HeldUpload> held;
  for (const std::string& token : crowd) {
    for (int k = 0; k < 8; ++k) {
      HeldUpload u;
      u.ctx = Authed(token);
      u.writer = jobs->UploadJob(u.ctx.get(), &u.job);
      v1::UploadJobRequest header;
      header.mutable_header()->set_machine_id("laser-1");
      header.mutable_header()->set_file_name("held.gcode");
      u.writer->Write(header);
      held.push_back(std::move(u));
    }
  }
  // While all of them are held: staff log in, see the machines, stop one.
  absl::SleepFor(absl::Milliseconds(300));
  const std::string staff = Login(ch_, "admin", daemon_->admin_password());
  auto machines = v1::Machines::NewStub(ch_);
  {
    v1::ListMachinesResponse list;
    auto ctx = Authed(staff);
    ASSERT_TRUE(
        machines->ListMachines(ctx.get(), v1::ListMachinesRequest(), &list)
            .ok());
    EXPECT_EQ(list.machines_size(), 1);
  }
  {
    v1::EmergencyStopRequest stop;
    stop.set_id("laser-1");
    stop.set_reason("drill");
    v1::Machine m;
    auto ctx = Authed(staff);
    const grpc::Status s = machines->EmergencyStop(ctx.get(), stop, &m);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(m.state(), v1::MACHINE_STATE_FAULT);
  }
  // Every held upload ends: beyond the limit at once, the rest when idle.
  int refused = 0, closed_idle = 0;
  for (HeldUpload& u : held) {
    const grpc::Status s = u.writer->Finish();
    EXPECT_FALSE(s.ok());
    if (s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) ++refused;
    if (s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
        s.error_code() == grpc::StatusCode::CANCELLED) {
      ++closed_idle;
    }
  }
  EXPECT_EQ(refused + closed_idle, 160);
  EXPECT_EQ(closed_idle, 64 - 16) << "the last 16 places are staff's";
  // Their places are free again: one more upload goes through (the closed
  // handlers give their places back as they return).
  grpc::Status last;
  for (int attempt = 0; attempt < 30; ++attempt) {
    v1::Job job;
    auto ctx = Authed(crowd[0]);
    auto writer = jobs->UploadJob(ctx.get(), &job);
    v1::UploadJobRequest header;
    header.mutable_header()->set_machine_id("laser-1");
    header.mutable_header()->set_file_name("ok.gcode");
    writer->Write(header);
    v1::UploadJobRequest chunk;
    chunk.set_chunk("G21 G90\nG0 X10 Y10\n");
    writer->Write(chunk);
    writer->WritesDone();
    last = writer->Finish();
    if (last.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(last.ok()) << last.error_message();
}

}  // namespace
}  // namespace werkbank::testing
