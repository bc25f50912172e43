// SPDX-License-Identifier: EUPL-1.2
// Shared CLI plumbing; see cli.h.
#include "cli.h"

#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/json_util.h>
#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "absl/strings/str_cat.h"
#include "werkbank/v1/bookings.grpc.pb.h"

namespace werkbank::cli {

namespace {

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "invalid input";
    case grpc::StatusCode::NOT_FOUND:
      return "not found";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "conflict";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "refused";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "not allowed";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "not logged in";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "limit reached";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "out of range";
    case grpc::StatusCode::UNAVAILABLE:
      return "unavailable";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "not available yet";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "timed out";
    default:
      return "error";
  }
}

}  // namespace

int Cli::Fail(const grpc::Status& status) {
  // Only a transport failure is "cannot reach": an UNAVAILABLE the daemon
  // sent itself (its details say so) is a refusal, e.g. a machine offline.
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE &&
      status.error_details().empty()) {
    const std::string changed = conn.DiagnoseUnavailable();
    if (!changed.empty()) {
      std::cerr << "werkbank: " << changed << "\n";
      return kNoServer;
    }
    std::cerr << "werkbank: cannot reach werkbankd at " << conn.server() << ": "
              << status.error_message() << "\n";
    return kNoServer;
  }
  std::cerr << "werkbank: " << CodeName(status.error_code()) << ": "
            << status.error_message() << "\n";
  return kRefused;
}

int Cli::Fail(const absl::Status& status) {
  std::string details;
  if (auto payload = status.GetPayload(kDaemonDetails)) {
    details = std::string(*payload);
  }
  return Fail(grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                           std::string(status.message()), details));
}

absl::Status FromGrpc(const grpc::Status& status) {
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()),
                   status.error_message());
  if (!status.ok() && !status.error_details().empty()) {
    out.SetPayload(kDaemonDetails, absl::Cord(status.error_details()));
  }
  return out;
}

int Cli::Usage(const std::string& message) {
  std::cerr << "werkbank: " << message << " (see `werkbank help`)\n";
  return kUsage;
}

bool Cli::Done(int& exit_code) {
  std::string left = args.Leftover();
  if (left.empty() && args.error().empty()) return true;
  exit_code = Usage(left.empty() ? args.error() : left);
  return false;
}

void Cli::PrintJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  std::cout << out;
  if (out.empty() || out.back() != '\n') std::cout << "\n";
}

absl::StatusOr<const v1::LabInfo*> Cli::Lab() {
  if (!lab_) {
    auto stub = v1::Bookings::NewStub(conn.channel());
    auto ctx = conn.Context();
    v1::LabInfo info;
    grpc::Status s =
        stub->GetLabInfo(ctx.get(), v1::GetLabInfoRequest(), &info);
    if (!s.ok()) return FromGrpc(s);
    lab_ = info;
  }
  return &*lab_;
}

absl::StatusOr<const LabTime*> Cli::Time() {
  if (!time_) {
    auto lab = Lab();
    if (!lab.ok()) return lab.status();
    auto t = LabTime::ForZone((*lab)->time_zone());
    if (!t.ok()) return t.status();
    time_ = *t;
  }
  return &*time_;
}

absl::StatusOr<absl::Time> Cli::ParseTime(const std::string& text) {
  auto t = Time();
  if (!t.ok()) return t.status();
  return (*t)->Parse(text);
}

std::string Cli::ReadSecret(const std::string& prompt, bool from_stdin) {
  std::string line;
  if (!from_stdin && isatty(STDIN_FILENO)) {
    std::cerr << prompt << std::flush;
    termios old{};
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::getline(std::cin, line);
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
  } else {
    std::getline(std::cin, line);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

void Table::Print() const {
  std::vector<size_t> width;
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], row[i].size());
    }
  }
  for (const auto& row : rows_) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size())
        line += std::string(width[i] - row[i].size() + 2, ' ');
    }
    std::cout << line << "\n";
  }
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

}  // namespace werkbank::cli
