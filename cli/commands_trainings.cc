// SPDX-License-Identifier: EUPL-1.2
// `werkbank briefing ...` and `werkbank qual ...`
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "cli.h"
#include "werkbank/v1/trainings.grpc.pb.h"

namespace werkbank::cli {

int CmdBriefing(Cli& cli) {
  auto verb = cli.args.Next();
  auto stub = v1::Trainings::NewStub(cli.conn.channel());
  int code = kOk;
  if (verb && *verb == "record") {
    v1::RecordBriefingRequest req;
    req.set_machine_class(cli.args.Option("class").value_or(""));
    for (const auto& p : cli.args.Options("participant"))
      req.add_participant_logins(p);
    req.set_note(cli.args.Option("note").value_or(""));
    auto at = cli.args.Option("at");
    if (!cli.Done(code)) return code;
    if (req.machine_class().empty() || req.participant_logins().empty()) {
      return cli.Usage(
          "usage: werkbank briefing record --class CLASS --participant "
          "LOGIN... "
          "[--at TIME] [--note TEXT]");
    }
    if (at) {
      auto t = cli.ParseTime(*at);
      if (!t.ok()) return cli.Fail(t.status());
      *req.mutable_held_at() = ToTimestamp(*t);
    }
    return cli.Call(&v1::Trainings::Stub::RecordBriefing, *stub, req,
                    [](const v1::Briefing& b) {
                      std::cout << "briefing " << b.id() << " on "
                                << b.machine_class() << " recorded; qualified: "
                                << absl::StrJoin(b.participant_logins(), ", ")
                                << "\n";
                      return kOk;
                    });
  }
  if (verb && *verb == "list") {
    v1::ListBriefingsRequest req;
    req.set_machine_class(cli.args.Option("class").value_or(""));
    if (!cli.Done(code)) return code;
    return cli.Call(
        &v1::Trainings::Stub::ListBriefings, *stub, req,
        [&](const v1::ListBriefingsResponse& resp) {
          auto time = cli.Time();
          if (!time.ok()) return cli.Fail(time.status());
          Table t({"ID", "CLASS", "HELD", "TRAINER", "PARTICIPANTS"});
          for (const auto& b : resp.briefings()) {
            t.Add({std::to_string(b.id()), b.machine_class(),
                   (*time)->Format(FromTimestamp(b.held_at())),
                   b.trainer_login(),
                   absl::StrJoin(b.participant_logins(), ",")});
          }
          t.Print();
          return kOk;
        });
  }
  return cli.Usage("usage: werkbank briefing record|list ...");
}

int CmdQual(Cli& cli) {
  auto verb = cli.args.Next();
  auto stub = v1::Trainings::NewStub(cli.conn.channel());
  int code = kOk;
  if (verb && *verb == "list") {
    v1::ListQualificationsRequest req;
    req.set_login(cli.args.Option("user").value_or(""));
    req.set_include_invalid(cli.args.Flag("all"));
    if (!cli.Done(code)) return code;
    return cli.Call(
        &v1::Trainings::Stub::ListQualifications, *stub, req,
        [&](const v1::ListQualificationsResponse& resp) {
          auto time = cli.Time();
          if (!time.ok()) return cli.Fail(time.status());
          Table t({"ID", "USER", "CLASS", "GRANTED BY", "EXPIRES", "STATUS"});
          for (const auto& q : resp.qualifications()) {
            t.Add({std::to_string(q.id()), q.login(), q.machine_class(),
                   q.granted_by(),
                   (*time)->Format(FromTimestamp(q.expires_at())),
                   q.valid()     ? "valid"
                   : q.revoked() ? "revoked"
                                 : "expired"});
          }
          t.Print();
          return kOk;
        });
  }
  if (verb && *verb == "revoke") {
    v1::RevokeQualificationRequest req;
    auto id = cli.args.Next();
    int64_t n = 0;
    if (!id || !absl::SimpleAtoi(*id, &n)) {
      return cli.Usage("usage: werkbank qual revoke ID --reason TEXT");
    }
    req.set_id(n);
    req.set_reason(cli.args.Option("reason").value_or(""));
    if (!cli.Done(code)) return code;
    return cli.Call(&v1::Trainings::Stub::RevokeQualification, *stub, req,
                    [](const v1::Qualification& q) {
                      std::cout << "qualification " << q.id() << " of "
                                << q.login() << " for " << q.machine_class()
                                << " revoked\n";
                      return kOk;
                    });
  }
  return cli.Usage("usage: werkbank qual list|revoke ...");
}

}  // namespace werkbank::cli
