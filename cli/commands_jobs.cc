// SPDX-License-Identifier: EUPL-1.2
// `werkbank job upload | start | pause | resume | cancel | show` and `werkbank
// jobs`
#include <iostream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli.h"
#include "preflight_text.h"
#include "upload_stream.h"
#include "werkbank/v1/jobs.grpc.pb.h"

namespace werkbank::cli {
namespace {

std::string JobStateName(v1::JobState s) {
  std::string name =
      v1::JobState_Name(s).substr(std::string("JOB_STATE_").size());
  for (char& c : name)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

// "1:05" for 65 s.
std::string MinSec(double seconds) {
  const int s = static_cast<int>(seconds + 0.5);
  return absl::StrFormat("%d:%02d", s / 60, s % 60);
}

// The estimate and, once it ended, the run it is measured against.
std::string EstimateVsRun(const v1::Job& j) {
  std::string out = absl::StrCat("estimated ", MinSec(j.estimated_seconds()));
  if (j.has_run_seconds()) {
    absl::StrAppend(&out, ", ran ", MinSec(j.run_seconds()));
    if (j.estimated_seconds() > 0) {
      absl::StrAppend(
          &out,
          absl::StrFormat(" (%+.0f%%)",
                          (j.run_seconds() / j.estimated_seconds() - 1) * 100));
    }
  }
  return out;
}

int PrintJob(const v1::Job& j) {
  std::cout << "job " << j.id() << " (" << j.file_name() << ") on "
            << j.machine_id() << ": " << JobStateName(j.state());
  if (!j.end_reason().empty()) std::cout << " — " << j.end_reason();
  std::cout << "\n";
  std::cout << PreflightSummary(j.preflight())
            << "\n  time: " << EstimateVsRun(j) << "\n";
  PrintViolations(j.preflight(), std::cout);
  return kOk;
}

// What the laser's check mode ($C) made of the program, after the preflight.
void PrintDryRun(const v1::Job& j) {
  int rejected = 0;
  for (const auto& v : j.preflight().violations()) {
    rejected += v.rule() == "dry run" ? 1 : 0;
  }
  std::cout << "dry run on " << j.machine_id() << ": ";
  if (rejected > 0) {
    std::cout << "the machine rejected " << rejected
              << (rejected == 1 ? " line" : " lines")
              << " in check mode ($C), listed above";
  } else if (j.preflight().passed()) {
    std::cout << "the machine accepted every line in check mode ($C)";
  } else {
    std::cout << "not run on the machine: the program did not pass preflight";
  }
  std::cout << "; nothing moved and the beam stayed off\n";
}

void Bar(const v1::JobProgress& p) {
  const int width = 30;
  const int filled = static_cast<int>(p.percent() / 100.0 * width);
  std::cout << "\r["
            << std::string(static_cast<size_t>(std::clamp(filled, 0, width)),
                           '#')
            << std::string(
                   static_cast<size_t>(width - std::clamp(filled, 0, width)),
                   '.')
            << "] "
            << absl::StrFormat("%5.1f%%  %d:%02d left  %s", p.percent(),
                               static_cast<int>(p.remaining_seconds()) / 60,
                               static_cast<int>(p.remaining_seconds()) % 60,
                               JobStateName(p.state()))
            << "   " << std::flush;
}

int Follow(Cli& cli, int64_t id) {
  auto stub = v1::Jobs::NewStub(cli.conn.channel());
  auto ctx = cli.conn.Context();
  ctx->set_deadline(std::chrono::system_clock::time_point::max());
  v1::WatchJobRequest req;
  req.set_id(id);
  auto reader = stub->WatchJob(ctx.get(), req);
  v1::JobProgress p;
  v1::JobState last = v1::JOB_STATE_UNSPECIFIED;
  std::string message;
  while (reader->Read(&p)) {
    last = p.state();
    message = p.message();
    if (cli.json) {
      cli.PrintJson(p);
    } else {
      Bar(p);
    }
  }
  grpc::Status s = reader->Finish();
  if (!cli.json) std::cout << "\n";
  if (!s.ok()) return cli.Fail(s);
  if (!cli.json) {
    std::cout << "job " << id << " " << JobStateName(last)
              << (message.empty() ? "" : ": " + message) << "\n";
  }
  return last == v1::JOB_STATE_COMPLETED ? kOk : kRefused;
}

}  // namespace

int CmdJob(Cli& cli) {
  auto verb = cli.args.Next();
  auto stub = v1::Jobs::NewStub(cli.conn.channel());
  int code = kOk;
  if (verb && *verb == "upload") {
    auto machine = cli.args.Next();
    auto path = cli.args.Next();
    const bool dry_run = cli.args.Flag("dry-run");
    if (!machine || !path)
      return cli.Usage("usage: werkbank job upload MACHINE FILE [--dry-run]");
    if (!cli.Done(code)) return code;
    auto in = OpenUpload(*path);
    if (!in.ok()) return cli.Fail(in.status());
    auto ctx = cli.conn.Context();
    v1::Job job;
    auto writer = stub->UploadJob(ctx.get(), &job);
    v1::UploadJobRequest header;
    header.mutable_header()->set_machine_id(*machine);
    header.mutable_header()->set_file_name(UploadName(*path));
    header.mutable_header()->set_dry_run_on_machine(dry_run);
    grpc::Status s = StreamUpload(*writer, header, *in);
    if (!s.ok()) return cli.Fail(s);
    if (cli.json) {
      cli.PrintJson(job);
      return kOk;
    }
    PrintJob(job);
    if (dry_run) PrintDryRun(job);
    return job.preflight().passed() ? kOk : kRefused;
  }
  if (verb && (*verb == "start" || *verb == "pause" || *verb == "resume" ||
               *verb == "cancel" || *verb == "show")) {
    auto word = cli.args.Next();
    int64_t id = 0;
    if (!word || !absl::SimpleAtoi(*word, &id))
      return cli.Usage("usage: werkbank job " + *verb + " ID");
    const bool follow = cli.args.Flag("follow");
    const auto confirmed = cli.args.Options("confirm");
    const std::string reason = cli.args.Option("reason").value_or("");
    if (!cli.Done(code)) return code;
    int result = kOk;
    if (*verb == "start") {
      v1::StartJobRequest req;
      req.set_id(id);
      for (const auto& c : confirmed) req.add_confirmed_interlocks(c);
      result =
          cli.Call(&v1::Jobs::Stub::StartJob, *stub, req, [](const v1::Job& j) {
            std::cout << "job " << j.id() << " started on " << j.machine_id()
                      << "\n";
            return kOk;
          });
    } else if (*verb == "pause") {
      v1::PauseJobRequest req;
      req.set_id(id);
      result = cli.Call(&v1::Jobs::Stub::PauseJob, *stub, req, PrintJob);
    } else if (*verb == "resume") {
      v1::ResumeJobRequest req;
      req.set_id(id);
      result = cli.Call(&v1::Jobs::Stub::ResumeJob, *stub, req, PrintJob);
    } else if (*verb == "cancel") {
      v1::CancelJobRequest req;
      req.set_id(id);
      req.set_reason(reason);
      result = cli.Call(&v1::Jobs::Stub::CancelJob, *stub, req, PrintJob);
    } else {
      v1::GetJobRequest req;
      req.set_id(id);
      result = cli.Call(&v1::Jobs::Stub::GetJob, *stub, req, PrintJob);
    }
    if (result != kOk || !follow) return result;
    return Follow(cli, id);
  }
  return cli.Usage(
      "usage: werkbank job upload|start|pause|resume|cancel|show ...");
}

int CmdJobs(Cli& cli) {
  v1::ListJobsRequest req;
  req.set_all_users(cli.args.Flag("all"));
  req.set_machine_id(cli.args.Option("machine").value_or(""));
  int code = kOk;
  if (!cli.Done(code)) return code;
  auto stub = v1::Jobs::NewStub(cli.conn.channel());
  return cli.Call(
      &v1::Jobs::Stub::ListJobs, *stub, req,
      [](const v1::ListJobsResponse& resp) {
        Table t({"ID", "MACHINE", "OWNER", "FILE", "STATE", "PREFLIGHT",
                 "ESTIMATE", "RAN"});
        for (const auto& j : resp.jobs()) {
          t.Add({std::to_string(j.id()), j.machine_id(), j.owner_login(),
                 j.file_name(), JobStateName(j.state()),
                 j.preflight().passed() ? "passed" : "failed",
                 MinSec(j.estimated_seconds()),
                 j.has_run_seconds() ? MinSec(j.run_seconds()) : "-"});
        }
        t.Print();
        return kOk;
      });
}

}  // namespace werkbank::cli
