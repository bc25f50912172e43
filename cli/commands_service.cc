// SPDX-License-Identifier: EUPL-1.2
// `werkbank service submit | list | show | start | decline | withdraw`: the
// print service queue.
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cli.h"
#include "preflight_text.h"
#include "upload_stream.h"
#include "werkbank/v1/service_requests.grpc.pb.h"

namespace werkbank::cli {
namespace {

constexpr char kUsageText[] =
    "usage: werkbank service submit --class CLASS [--note TEXT] FILE | list "
    "[--state STATE] [--class CLASS] [--mine] | show ID | start ID --machine "
    "MACHINE [--confirm INTERLOCK]... | decline ID --reason TEXT | withdraw ID";

std::string StateName(v1::ServiceRequestState s) {
  std::string name = v1::ServiceRequestState_Name(s).substr(
      std::string("SERVICE_REQUEST_STATE_").size());
  for (char& c : name)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

std::optional<v1::ServiceRequestState> ParseState(const std::string& text) {
  for (int i = 1; i <= 6; ++i) {
    const auto s = static_cast<v1::ServiceRequestState>(i);
    if (StateName(s) == text) return s;
  }
  return std::nullopt;
}

int PrintRequest(const v1::ServiceRequest& r) {
  std::cout << "print request " << r.id() << " (" << r.file_name() << ") for "
            << r.machine_class() << " by " << r.submitter_login() << ": "
            << StateName(r.state()) << "\n";
  if (!r.note().empty()) std::cout << "  note: " << r.note() << "\n";
  if (r.state() == v1::SERVICE_REQUEST_STATE_DECLINED) {
    std::cout << "  declined by " << r.started_by_login() << ": "
              << r.decline_reason() << "\n";
  }
  if (r.job_id() != 0) {
    std::cout << "  job " << r.job_id() << " on " << r.machine_id()
              << ", started by " << r.started_by_login();
    if (!r.job_end_reason().empty()) std::cout << " — " << r.job_end_reason();
    std::cout << "\n";
  }
  std::cout << PreflightSummary(r.preflight()) << "\n";
  PrintViolations(r.preflight(), std::cout);
  return kOk;
}

int Submit(Cli& cli, v1::PrintService::Stub& stub) {
  auto machine_class = cli.args.Option("class");
  const std::string note = cli.args.Option("note").value_or("");
  auto path = cli.args.Next();
  int code = kOk;
  if (!machine_class || !path) {
    return cli.Usage(
        "usage: werkbank service submit --class CLASS [--note TEXT] FILE");
  }
  if (!cli.Done(code)) return code;
  auto in = OpenUpload(*path);
  if (!in.ok()) return cli.Fail(in.status());
  auto ctx = cli.conn.Context();
  v1::ServiceRequest request;
  auto writer = stub.SubmitServiceRequest(ctx.get(), &request);
  v1::SubmitServiceRequestRequest header;
  header.mutable_header()->set_machine_class(*machine_class);
  header.mutable_header()->set_file_name(UploadName(*path));
  header.mutable_header()->set_note(note);
  grpc::Status s = StreamUpload(*writer, header, *in);
  if (!s.ok()) return cli.Fail(s);
  if (cli.json) {
    cli.PrintJson(request);
    return kOk;
  }
  return PrintRequest(request);
}

int List(Cli& cli, v1::PrintService::Stub& stub) {
  v1::ListServiceRequestsRequest req;
  req.set_mine(cli.args.Flag("mine"));
  req.set_machine_class(cli.args.Option("class").value_or(""));
  if (auto state = cli.args.Option("state")) {
    auto parsed = ParseState(*state);
    if (!parsed) {
      return cli.Usage(absl::StrCat(
          "unknown state \"", *state,
          "\"; one of: waiting, started, done, failed, declined, withdrawn"));
    }
    req.set_state(*parsed);
  }
  int code = kOk;
  if (!cli.Done(code)) return code;
  return cli.Call(
      &v1::PrintService::Stub::ListServiceRequests, stub, req,
      [](const v1::ListServiceRequestsResponse& resp) {
        Table t(
            {"ID", "CLASS", "BY", "FILE", "STATE", "PREFLIGHT", "JOB", "NOTE"});
        for (const auto& r : resp.requests()) {
          t.Add({std::to_string(r.id()), r.machine_class(), r.submitter_login(),
                 r.file_name(), StateName(r.state()),
                 r.preflight().passed() ? "passed" : "failed",
                 r.job_id() != 0 ? std::to_string(r.job_id()) : "-",
                 r.state() == v1::SERVICE_REQUEST_STATE_DECLINED
                     ? r.decline_reason()
                     : r.note()});
        }
        t.Print();
        return kOk;
      });
}

}  // namespace

int CmdService(Cli& cli) {
  auto verb = cli.args.Next();
  auto stub = v1::PrintService::NewStub(cli.conn.channel());
  if (verb && *verb == "submit") return Submit(cli, *stub);
  if (verb && *verb == "list") return List(cli, *stub);
  if (!verb || (*verb != "show" && *verb != "start" && *verb != "decline" &&
                *verb != "withdraw")) {
    return cli.Usage(kUsageText);
  }
  auto word = cli.args.Next();
  int64_t id = 0;
  if (!word || !absl::SimpleAtoi(*word, &id)) return cli.Usage(kUsageText);
  int code = kOk;
  if (*verb == "start") {
    v1::StartServiceRequestRequest req;
    req.set_id(id);
    auto machine = cli.args.Option("machine");
    if (!machine) {
      return cli.Usage(
          "usage: werkbank service start ID --machine MACHINE "
          "[--confirm INTERLOCK]...");
    }
    req.set_machine_id(*machine);
    for (const auto& c : cli.args.Options("confirm"))
      req.add_confirmed_interlocks(c);
    if (!cli.Done(code)) return code;
    return cli.Call(&v1::PrintService::Stub::StartServiceRequest, *stub, req,
                    [](const v1::ServiceRequest& r) {
                      std::cout << "print request " << r.id()
                                << " started as job " << r.job_id() << " on "
                                << r.machine_id() << " for "
                                << r.submitter_login() << "\n";
                      return kOk;
                    });
  }
  if (*verb == "decline") {
    v1::DeclineServiceRequestRequest req;
    req.set_id(id);
    req.set_reason(cli.args.Option("reason").value_or(""));
    if (!cli.Done(code)) return code;
    return cli.Call(&v1::PrintService::Stub::DeclineServiceRequest, *stub, req,
                    PrintRequest);
  }
  if (!cli.Done(code)) return code;
  if (*verb == "withdraw") {
    v1::WithdrawServiceRequestRequest req;
    req.set_id(id);
    return cli.Call(&v1::PrintService::Stub::WithdrawServiceRequest, *stub, req,
                    PrintRequest);
  }
  v1::GetServiceRequestRequest req;
  req.set_id(id);
  return cli.Call(&v1::PrintService::Stub::GetServiceRequest, *stub, req,
                  PrintRequest);
}

}  // namespace werkbank::cli
