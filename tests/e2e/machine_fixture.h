// SPDX-License-Identifier: EUPL-1.2
// The real werkbankd driving two werkbank-sim processes (a GRBL laser and a
// Marlin printer) through symlinked pseudo-terminals, as udev names real
// devices. The simulators outlive the daemon, so a test can kill -9 it and
// see what the machines do.
#ifndef WERKBANK_TESTS_E2E_MACHINE_FIXTURE_H_
#define WERKBANK_TESTS_E2E_MACHINE_FIXTURE_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "lab_fixture.h"
#include "werkbank/v1/accounts.grpc.pb.h"
#include "werkbank/v1/audit.grpc.pb.h"
#include "werkbank/v1/bookings.grpc.pb.h"
#include "werkbank/v1/jobs.grpc.pb.h"
#include "werkbank/v1/machines.grpc.pb.h"
#include "werkbank/v1/trainings.grpc.pb.h"

namespace werkbank::testing {

class MachineE2E : public LabE2E {
 protected:
  // Interlocks of the laser in the config; presence_seconds 0 leaves it out.
  // `extra_config` is appended to the lab's config (more classes, machines).
  void StartLab(int presence_seconds = 0, int laser_block_us = 3000,
                const std::string& extra_config = "") {
    std::vector<std::string> laser_args = {BinPath("werkbank-sim"),
                                           "grbl",
                                           "--block-us",
                                           std::to_string(laser_block_us),
                                           "--state-file",
                                           dir_.File("laser.state"),
                                           "--control-file",
                                           dir_.File("laser.ctl"),
                                           "--link",
                                           dir_.File("laser.dev")};
    laser_args.insert(laser_args.end(), laser_sim_args_.begin(),
                      laser_sim_args_.end());
    laser_ = std::make_unique<Background>(laser_args, dir_.File("laser.out"),
                                          dir_.File("laser.err"));
    std::vector<std::string> printer_args = {BinPath("werkbank-sim"),
                                             "marlin",
                                             "--line-us",
                                             "5000",
                                             "--state-file",
                                             dir_.File("printer.state"),
                                             "--control-file",
                                             dir_.File("printer.ctl"),
                                             "--link",
                                             dir_.File("printer.dev")};
    printer_args.insert(printer_args.end(), printer_sim_args_.begin(),
                        printer_sim_args_.end());
    printer_ = std::make_unique<Background>(
        printer_args, dir_.File("printer.out"), dir_.File("printer.err"));
    for (int i = 0;
         i < 200 && !(std::filesystem::exists(dir_.File("laser.dev")) &&
                      std::filesystem::exists(dir_.File("printer.dev")));
         ++i) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    config_ = absl::StrCat(
        R"(
lab_name: "Test lab"
time_zone: "Europe/Berlin"
opening_hours { days: [MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY] open: "00:00" close: "24:00" }
machine_classes { name: "laser" booking { slot_minutes: 1 max_length_minutes: 240 cancel_deadline_minutes: 1 } }
machine_classes { name: "fdm" booking { slot_minutes: 1 max_length_minutes: 240 cancel_deadline_minutes: 1 } }
machines {
  id: "laser-1" machine_class: "laser" protocol: "grbl" port: ")",
        dir_.File("laser.dev"), R"("
  envelope { x_mm: 600 y_mm: 400 }
  limits { max_laser_power: 1000 laser_m4_only: true }
  )",
        laser_motion_, R"(
  interlocks { kind: DOOR action: )",
        laser_door_action_, R"( source: "sensor" }
  interlocks { kind: EXTRACTION action: HOLD source: "user" }
)",
        presence_seconds > 0
            ? absl::StrCat("  interlocks { kind: PRESENCE action: HOLD "
                           "presence_interval_seconds: ",
                           presence_seconds, " }\n")
            : "",
        R"(}
machines {
  id: "printer-1" machine_class: "fdm" protocol: "marlin" port: ")",
        dir_.File("printer.dev"), R"("
  envelope { x_mm: 250 y_mm: 210 z_mm: 210 }
  limits { max_hotend_c: 280 max_bed_c: 110 }
  interlocks { kind: THERMAL action: ESTOP }
)",
        printer_scripts_, "\n", printer_config_, R"(
}
)",
        extra_config);
    StartDaemonAndLogIn({.config_text = config_,
                         .state_dir = dir_.File("state"),
                         .binary = daemon_binary_});
    if (HasFatalFailure()) return;
    pia_ = NewUser("pia", {"participant"});
    bob_ = NewUser("bob", {"participant"});
    tom_ = NewUser("tom", {"trainer"});
    Brief("laser", "pia");
    Brief("fdm", "pia");
    WaitForState("laser-1", v1::MACHINE_STATE_LOCKED);
  }

  // Starts werkbankd again on the same state directory (after a kill or a
  // stop); the tokens of the logged-in users stay valid.
  void StartDaemon() {
    daemon_ = Daemon::Start({.config_text = config_,
                             .state_dir = dir_.File("state"),
                             .binary = daemon_binary_});
    ASSERT_TRUE(daemon_);
    ch_ = daemon_->Channel();
  }

  void Brief(const std::string& cls, const std::string& login) {
    v1::RecordBriefingRequest req;
    req.set_machine_class(cls);
    req.add_participant_logins(login);
    v1::Briefing b;
    auto ctx = Authed(tom_);
    ASSERT_TRUE(
        v1::Trainings::NewStub(ch_)->RecordBriefing(ctx.get(), req, &b).ok());
  }

  std::map<std::string, std::string> SimState(const std::string& machine) {
    std::map<std::string, std::string> out;
    const std::string text = ReadFileOrEmpty(dir_.File(machine + ".state"));
    for (absl::string_view line : absl::StrSplit(text, '\n')) {
      const size_t eq = line.find('=');
      if (eq != absl::string_view::npos)
        out[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
    }
    return out;
  }

  void Control(const std::string& machine, const std::string& command) {
    const std::string path = dir_.File(machine + ".ctl");
    std::ofstream(path + ".tmp") << command << "\n";
    std::filesystem::rename(path + ".tmp", path);
  }

  // Books the machine from the start of this minute for an hour and checks in.
  int64_t BookNowAndCheckIn(const std::string& token,
                            const std::string& machine,
                            absl::Duration length = absl::Hours(1)) {
    auto stub = v1::Bookings::NewStub(ch_);
    const absl::Time start = absl::FromUnixSeconds(
        absl::ToUnixSeconds(absl::Now() + clock_shift_) / 60 * 60);
    v1::CreateReservationRequest req;
    req.set_machine_id(machine);
    *req.mutable_time()->mutable_start() = Ts(start);
    *req.mutable_time()->mutable_end() = Ts(start + length);
    v1::CreateReservationResponse made;
    auto ctx = Authed(token);
    grpc::Status s = stub->CreateReservation(ctx.get(), req, &made);
    EXPECT_TRUE(s.ok()) << s.error_message();
    if (!s.ok()) return 0;
    v1::CheckInRequest in;
    in.set_id(made.reservations(0).id());
    v1::Reservation r;
    auto ictx = Authed(token);
    EXPECT_TRUE(stub->CheckIn(ictx.get(), in, &r).ok());
    return made.reservations(0).id();
  }

  grpc::Status Unlock(const std::string& token, const std::string& machine,
                      v1::Machine* out = nullptr) {
    v1::UnlockRequest req;
    req.set_id(machine);
    v1::Machine m;
    auto ctx = Authed(token);
    grpc::Status s = v1::Machines::NewStub(ch_)->Unlock(ctx.get(), req, &m);
    if (out) *out = m;
    return s;
  }

  v1::Job Upload(const std::string& token, const std::string& machine,
                 const std::string& program) {
    auto ctx = Authed(token);
    v1::Job job;
    auto writer = v1::Jobs::NewStub(ch_)->UploadJob(ctx.get(), &job);
    v1::UploadJobRequest header;
    header.mutable_header()->set_machine_id(machine);
    header.mutable_header()->set_file_name("test.gcode");
    writer->Write(header);
    v1::UploadJobRequest chunk;
    chunk.set_chunk(program);
    writer->Write(chunk);
    writer->WritesDone();
    grpc::Status s = writer->Finish();
    EXPECT_TRUE(s.ok()) << s.error_message();
    return job;
  }

  grpc::Status StartJob(const std::string& token, int64_t id,
                        std::vector<std::string> confirm = {"extraction"}) {
    v1::StartJobRequest req;
    req.set_id(id);
    for (const auto& c : confirm) req.add_confirmed_interlocks(c);
    v1::Job job;
    auto ctx = Authed(token);
    return v1::Jobs::NewStub(ch_)->StartJob(ctx.get(), req, &job);
  }

  v1::Job GetJob(int64_t id) {
    v1::GetJobRequest req;
    req.set_id(id);
    v1::Job job;
    auto ctx = Authed(admin_);
    EXPECT_TRUE(v1::Jobs::NewStub(ch_)->GetJob(ctx.get(), req, &job).ok());
    return job;
  }

  v1::Machine GetMachine(const std::string& id) {
    v1::GetMachineRequest req;
    req.set_id(id);
    v1::Machine m;
    auto ctx = Authed(admin_);
    EXPECT_TRUE(
        v1::Machines::NewStub(ch_)->GetMachine(ctx.get(), req, &m).ok());
    return m;
  }

  bool DoorOpen(const std::string& machine) {
    const v1::Machine m = GetMachine(machine);
    for (const auto& il : m.interlocks()) {
      if (il.kind() == v1::INTERLOCK_KIND_DOOR) return !il.satisfied();
    }
    return false;
  }

  bool WaitForState(const std::string& machine, v1::MachineState state,
                    absl::Duration timeout = absl::Seconds(10)) {
    const absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      if (GetMachine(machine).state() == state) return true;
      absl::SleepFor(absl::Milliseconds(50));
    }
    ADD_FAILURE() << machine << " never reached "
                  << v1::MachineState_Name(state) << "; it is "
                  << v1::MachineState_Name(GetMachine(machine).state()) << " ("
                  << GetMachine(machine).fault_reason() << ")";
    return false;
  }

  template <typename Pred>
  bool WaitUntil(Pred pred, absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      if (pred()) return true;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return pred();
  }

  // Staff revoke every qualification of `login` for `machine_class`.
  void RevokeQualifications(const std::string& login,
                            const std::string& machine_class,
                            const std::string& reason) {
    auto trainings = v1::Trainings::NewStub(ch_);
    v1::ListQualificationsRequest lq;
    lq.set_login(login);
    v1::ListQualificationsResponse quals;
    auto ctx = Authed(admin_);
    ASSERT_TRUE(trainings->ListQualifications(ctx.get(), lq, &quals).ok());
    for (const auto& q : quals.qualifications()) {
      if (q.machine_class() != machine_class) continue;
      v1::RevokeQualificationRequest rq;
      rq.set_id(q.id());
      rq.set_reason(reason);
      v1::Qualification out;
      auto rctx = Authed(admin_);
      ASSERT_TRUE(trainings->RevokeQualification(rctx.get(), rq, &out).ok());
    }
  }

  // The audit log, oldest first: "action subject", and with the detail.
  std::vector<std::string> AuditActions() { return Audit(false); }
  std::vector<std::string> AuditLines() { return Audit(true); }
  std::vector<std::string> Audit(bool with_detail) {
    v1::ListAuditEventsRequest req;
    req.set_limit(1000);
    v1::ListAuditEventsResponse resp;
    auto ctx = Authed(admin_);
    EXPECT_TRUE(
        v1::Audit::NewStub(ch_)->ListAuditEvents(ctx.get(), req, &resp).ok());
    std::vector<std::string> out;
    for (const auto& e : resp.events()) {
      out.push_back(e.action() + " " + e.subject() +
                    (with_detail ? ": " + e.detail() : std::string()));
    }
    return out;
  }

  // Pia books the laser, unlocks it and starts a cut of `moves` moves;
  // returns the job's id once the laser fires.
  int64_t StartLaserJob(int moves) {
    BookNowAndCheckIn(pia_, "laser-1");
    EXPECT_TRUE(Unlock(pia_, "laser-1").ok());
    const v1::Job job = Upload(pia_, "laser-1", LaserProgram(moves));
    grpc::Status s = StartJob(pia_, job.id());
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_TRUE(WaitUntil([&] { return SimState("laser")["laser_on"] == "1"; },
                          absl::Seconds(5)));
    return job.id();
  }

  // Pia unlocks both machines and starts a long cut (20,000 moves) and a
  // long print; returns them once the laser fires and the hotend heats.
  std::pair<v1::Job, v1::Job> StartLongCutAndPrint() {
    EXPECT_TRUE(Unlock(pia_, "laser-1").ok());
    EXPECT_TRUE(Unlock(pia_, "printer-1").ok());
    const v1::Job cut = Upload(pia_, "laser-1", LaserProgram(20000));
    std::string print = "M104 S205\nM140 S60\nG28\n";
    for (int i = 0; i < 20000; ++i)
      absl::StrAppend(&print, "G1 X", 10 + i % 100, " Y20 F1200\n");
    const v1::Job printing = Upload(pia_, "printer-1", print);
    EXPECT_TRUE(StartJob(pia_, cut.id()).ok());
    EXPECT_TRUE(StartJob(pia_, printing.id(), {}).ok());
    EXPECT_TRUE(WaitUntil(
        [&] {
          // Both heater lines landed (the bed's follows the hotend's).
          auto printer = SimState("printer");
          return SimState("laser")["laser_on"] == "1" &&
                 printer["hotend_target"] == "205" &&
                 printer["bed_target"] == "60";
        },
        absl::Seconds(5)))
        << "the cut and the print did not start";
    return {cut, printing};
  }

  static std::string LaserProgram(int moves) {
    std::string p = "G21 G90\nM4 S600\n";
    for (int i = 0; i < moves; ++i) {
      absl::StrAppend(&p, "G1 X", 10 + i % 200, " Y", 10 + (i / 200) % 200,
                      " F3000\n");
    }
    return p + "M5\n";
  }

  TempDir dir_;
  std::string config_;
  // The printer's `scripts { … }` block, if a test sets one before StartLab.
  std::string printer_scripts_;
  // More fields of the printer's block (e.g. its response timeouts).
  std::string printer_config_;
  // What the laser's door interlock does: HOLD, ABORT or ESTOP.
  std::string laser_door_action_ = "HOLD";
  // The laser's `motion { … }` block; empty: the rates GRBL reports.
  std::string laser_motion_ =
      "motion { max_rate_mm_min { x: 15000 y: 15000 z: 600 }\n"
      "         acceleration_mm_s2 { x: 1500 y: 1500 z: 100 } }";
  // More arguments for the simulators (they override the earlier ones).
  std::vector<std::string> laser_sim_args_, printer_sim_args_;
  // "werkbankd-shifted-clock" for a test that moves the daemon's clock.
  std::string daemon_binary_ = "werkbankd";
  // How far that clock is ahead of the real one (Daemon::ShiftClock).
  absl::Duration clock_shift_;
  std::unique_ptr<Background> laser_, printer_;
  std::string pia_, bob_, tom_;
};

}  // namespace werkbank::testing

#endif  // WERKBANK_TESTS_E2E_MACHINE_FIXTURE_H_
