// SPDX-License-Identifier: EUPL-1.2
// Shared state of one `werkbank` invocation: parsed arguments, the
// connection, the lab's time zone, and the ways to print results and errors.
#ifndef WERKBANK_CLI_CLI_H_
#define WERKBANK_CLI_CLI_H_

#include <google/protobuf/message.h>
#include <grpcpp/support/status.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "args.h"
#include "connection.h"
#include "lab_time.h"
#include "werkbank/v1/bookings.pb.h"

namespace werkbank::cli {

// Exit codes.
constexpr int kOk = 0;
constexpr int kRefused = 1;   // the daemon said no (message printed)
constexpr int kUsage = 2;     // the command line is wrong
constexpr int kNoServer = 3;  // cannot reach a trustworthy daemon

class Cli {
 public:
  Cli(Args& args, Connection connection, bool json)
      : args(args), conn(std::move(connection)), json(json) {}

  // Prints a failed call's message; returns the exit code: kNoServer when
  // the daemon could not be reached, kRefused when it answered with an error.
  int Fail(const grpc::Status& status);
  int Fail(const absl::Status& status);
  int Usage(const std::string& message);
  // Checks nothing unexpected is left on the command line.
  bool Done(int& exit_code);

  void PrintJson(const google::protobuf::Message& message);

  // The lab's info (time zone, machines), fetched once.
  absl::StatusOr<const v1::LabInfo*> Lab();
  absl::StatusOr<const LabTime*> Time();
  // Parses a time the user wrote, in lab time.
  absl::StatusOr<absl::Time> ParseTime(const std::string& text);

  // Calls one RPC with the session's token, then prints the answer: as JSON
  // with --json, otherwise through `human(response)`, which returns the exit
  // code. A refusal is printed by Fail().
  template <typename Stub, typename Request, typename Response, typename Human>
  int Call(grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Request&,
                                     Response*),
           Stub& stub, const Request& request, Human human) {
    Response response;
    auto ctx = conn.Context();
    grpc::Status status = (stub.*rpc)(ctx.get(), request, &response);
    if (!status.ok()) return Fail(status);
    if (json) {
      PrintJson(response);
      return kOk;
    }
    return human(response);
  }

  // Reads a secret: from standard input when `from_stdin`, otherwise from
  // the terminal without echo (prompting with `prompt`).
  static std::string ReadSecret(const std::string& prompt, bool from_stdin);

  Args& args;
  Connection conn;
  bool json;

 private:
  std::optional<v1::LabInfo> lab_;
  std::optional<LabTime> time_;
};

// Aligned columns for human output.
class Table {
 public:
  explicit Table(std::vector<std::string> header) {
    rows_.push_back(std::move(header));
  }
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void Print() const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// A failed call as an absl::Status that Cli::Fail prints as the call itself
// would be (the daemon's own error details kept as a payload).
inline constexpr char kDaemonDetails[] = "werkbank.dev/daemon-status";
absl::Status FromGrpc(const grpc::Status& status);

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts);
google::protobuf::Timestamp ToTimestamp(absl::Time t);

// Commands, each reading its own arguments from cli.args.
int CmdLogin(Cli& cli);
int CmdLogout(Cli& cli);
int CmdWhoAmI(Cli& cli);
int CmdPasswd(Cli& cli);
int CmdUser(Cli& cli);
int CmdBriefing(Cli& cli);
int CmdQual(Cli& cli);
int CmdLab(Cli& cli);
int CmdAvail(Cli& cli);
int CmdBook(Cli& cli);
int CmdBookings(Cli& cli);
int CmdCancel(Cli& cli);
int CmdCheckIn(Cli& cli);
int CmdAudit(Cli& cli);
int CmdMachines(Cli& cli);
int CmdUnlock(Cli& cli);
int CmdLock(Cli& cli);
int CmdBlock(Cli& cli);
int CmdUnblock(Cli& cli);
int CmdAck(Cli& cli);
int CmdStop(Cli& cli);
int CmdHere(Cli& cli);
int CmdWatch(Cli& cli);
int CmdJob(Cli& cli);
int CmdJobs(Cli& cli);
int CmdReport(Cli& cli);
int CmdAdmin(Cli& cli);
int CmdVisit(Cli& cli);
int CmdApiKey(Cli& cli);
int CmdService(Cli& cli);
// `user export` and `user anonymise` (commands_privacy.cc).
int UserExport(Cli& cli);
int UserAnonymise(Cli& cli);
// `report --year`: the funders' report (commands_impact_report.cc).
int CmdImpactReport(Cli& cli);
// `bookings export`: the calendar (commands_reports.cc).
int ExportCalendar(Cli& cli);

}  // namespace werkbank::cli

#endif  // WERKBANK_CLI_CLI_H_
