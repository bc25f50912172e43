// SPDX-License-Identifier: EUPL-1.2
// `werkbank machines | unlock | lock | block | unblock | ack | stop | here |
// watch`
#include <grpcpp/client_context.h>

#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli.h"
#include "werkbank/v1/machines.grpc.pb.h"
#include "werkbank/v1/monitor.grpc.pb.h"

namespace werkbank::cli {

std::string MachineStateName(v1::MachineState s) {
  switch (s) {
    case v1::MACHINE_STATE_OFFLINE:
      return "offline";
    case v1::MACHINE_STATE_LOCKED:
      return "locked";
    case v1::MACHINE_STATE_UNLOCKED:
      return "unlocked";
    case v1::MACHINE_STATE_RUNNING:
      return "running";
    case v1::MACHINE_STATE_PAUSED:
      return "paused";
    case v1::MACHINE_STATE_FAULT:
      return "FAULT";
    case v1::MACHINE_STATE_BLOCKED:
      return "blocked";
    default:
      return "?";
  }
}

namespace {

std::string InterlockName(v1::InterlockKind k) {
  const std::string name = v1::InterlockKind_Name(k);
  std::string out = name.substr(std::string("INTERLOCK_KIND_").size());
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Detail(const v1::Machine& m) {
  std::vector<std::string> parts;
  if (!m.unlocked_by().empty()) parts.push_back("for " + m.unlocked_by());
  if (m.job_id() != 0) parts.push_back(absl::StrCat("job ", m.job_id()));
  if (!m.fault_reason().empty()) parts.push_back(m.fault_reason());
  for (const auto& t : m.temperatures()) {
    parts.push_back(absl::StrFormat("%s %.0f/%.0f°C", t.heater(), t.current_c(),
                                    t.target_c()));
  }
  for (const auto& i : m.interlocks()) {
    if (!i.satisfied())
      parts.push_back(absl::StrCat(InterlockName(i.kind()), ": ", i.detail()));
  }
  return absl::StrJoin(parts, "; ");
}

int PrintMachine(const v1::Machine& m) {
  std::cout << m.id() << ": " << MachineStateName(m.state());
  const std::string d = Detail(m);
  if (!d.empty()) std::cout << " (" << d << ")";
  std::cout << "\n";
  return kOk;
}

// `werkbank VERB MACHINE [--reason TEXT]`: one machine, one call.
template <typename Request>
int OneMachine(Cli& cli, const std::string& verb,
               grpc::Status (v1::Machines::Stub::*rpc)(grpc::ClientContext*,
                                                       const Request&,
                                                       v1::Machine*),
               const std::function<void(Request&)>& fill = {}) {
  Request req;
  auto id = cli.args.Next();
  if (!id) return cli.Usage("usage: werkbank " + verb + " MACHINE");
  req.set_id(*id);
  if (fill) fill(req);
  int code = kOk;
  if (!cli.Done(code)) return code;
  auto stub = v1::Machines::NewStub(cli.conn.channel());
  return cli.Call(rpc, *stub, req, PrintMachine);
}

}  // namespace

int CmdMachines(Cli& cli) {
  int code = kOk;
  if (!cli.Done(code)) return code;
  auto stub = v1::Machines::NewStub(cli.conn.channel());
  return cli.Call(&v1::Machines::Stub::ListMachines, *stub,
                  v1::ListMachinesRequest(),
                  [](const v1::ListMachinesResponse& resp) {
                    Table t({"MACHINE", "CLASS", "STATE", "DETAIL"});
                    for (const auto& m : resp.machines()) {
                      t.Add({m.id(), m.machine_class(),
                             MachineStateName(m.state()), Detail(m)});
                    }
                    t.Print();
                    return kOk;
                  });
}

int CmdUnlock(Cli& cli) {
  auto reservation = cli.args.Option("reservation");
  int64_t id = 0;
  if (reservation && !absl::SimpleAtoi(*reservation, &id)) {
    return cli.Usage("--reservation takes a reservation id");
  }
  return OneMachine<v1::UnlockRequest>(
      cli, "unlock", &v1::Machines::Stub::Unlock,
      [id](v1::UnlockRequest& r) { r.set_reservation_id(id); });
}

int CmdLock(Cli& cli) {
  return OneMachine<v1::LockRequest>(cli, "lock", &v1::Machines::Stub::Lock);
}

int CmdBlock(Cli& cli) {
  const std::string reason = cli.args.Option("reason").value_or("");
  return OneMachine<v1::BlockRequest>(
      cli, "block", &v1::Machines::Stub::Block,
      [&](v1::BlockRequest& r) { r.set_reason(reason); });
}

int CmdUnblock(Cli& cli) {
  return OneMachine<v1::UnblockRequest>(cli, "unblock",
                                        &v1::Machines::Stub::Unblock);
}

int CmdAck(Cli& cli) {
  const std::string note = cli.args.Option("note").value_or("");
  return OneMachine<v1::AcknowledgeFaultRequest>(
      cli, "ack", &v1::Machines::Stub::AcknowledgeFault,
      [&](v1::AcknowledgeFaultRequest& r) { r.set_note(note); });
}

int CmdStop(Cli& cli) {
  const std::string reason = cli.args.Option("reason").value_or("");
  return OneMachine<v1::EmergencyStopRequest>(
      cli, "stop", &v1::Machines::Stub::EmergencyStop,
      [&](v1::EmergencyStopRequest& r) { r.set_reason(reason); });
}

int CmdHere(Cli& cli) {
  return OneMachine<v1::ConfirmPresenceRequest>(
      cli, "here", &v1::Machines::Stub::ConfirmPresence);
}

int CmdWatch(Cli& cli) {
  auto count =
      cli.args.Option("count");  // stop after N screens (scripts, tests)
  int64_t remaining = -1;
  if (count && !absl::SimpleAtoi(*count, &remaining))
    return cli.Usage("--count takes a number");
  int code = kOk;
  if (!cli.Done(code)) return code;
  auto stub = v1::Monitor::NewStub(cli.conn.channel());
  auto ctx = cli.conn.Context();
  ctx->set_deadline(std::chrono::system_clock::time_point::max());
  v1::WatchLabRequest req;
  req.set_min_interval_ms(500);
  auto reader = stub->WatchLab(ctx.get(), req);
  v1::LabSnapshot snap;
  auto time = cli.Time();
  while (remaining != 0 && reader->Read(&snap)) {
    if (remaining > 0) --remaining;
    if (cli.json) {
      cli.PrintJson(snap);
      continue;
    }
    std::cout << "\033[H\033[2J"
              << "werkbank watch — "
              << (time.ok() ? (*time)->Format(FromTimestamp(snap.at())) : "")
              << "\n\n";
    Table t({"MACHINE", "STATE", "JOB", "PROGRESS", "LEFT", "DETAIL"});
    for (const auto& m : snap.machines()) {
      std::string progress, left;
      for (const auto& j : snap.jobs()) {
        if (j.job_id() == m.job_id()) {
          progress = absl::StrFormat("%5.1f%% (%d/%d)", j.percent(),
                                     j.lines_done(), j.lines_total());
          left = absl::StrFormat("%d:%02d",
                                 static_cast<int>(j.remaining_seconds()) / 60,
                                 static_cast<int>(j.remaining_seconds()) % 60);
        }
      }
      t.Add({m.id(), MachineStateName(m.state()),
             m.job_id() ? std::to_string(m.job_id()) : "-", progress, left,
             Detail(m)});
    }
    t.Print();
    std::cout << std::flush;
  }
  if (remaining == 0) ctx->TryCancel();
  grpc::Status s = reader->Finish();
  if (!s.ok() && s.error_code() != grpc::StatusCode::CANCELLED)
    return cli.Fail(s);
  return kOk;
}

}  // namespace werkbank::cli
