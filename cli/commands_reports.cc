// SPDX-License-Identifier: EUPL-1.2
// `werkbank report` and `werkbank bookings export --ics`
#include <fstream>
#include <iostream>

#include "absl/strings/str_format.h"
#include "cli.h"
#include "werkbank/v1/reports.grpc.pb.h"

namespace werkbank::cli {

int CmdReport(Cli& cli) {
  if (cli.args.Option("year")) return CmdImpactReport(cli);
  auto from_text = cli.args.Option("from");
  auto to_text = cli.args.Option("to");
  const bool csv = cli.args.Flag("csv");
  const bool per_user = cli.args.Flag("per-user");
  int code = kOk;
  if (!cli.Done(code)) return code;
  if (!from_text || !to_text) {
    return cli.Usage(
        "usage: werkbank report --from DATE --to DATE [--csv] [--per-user]");
  }
  // Dates alone mean local midnight.
  auto with_time = [](const std::string& s) {
    return s.size() == 10 ? s + " 00:00" : s;
  };
  auto from = cli.ParseTime(with_time(*from_text));
  if (!from.ok()) return cli.Fail(from.status());
  auto to = cli.ParseTime(with_time(*to_text));
  if (!to.ok()) return cli.Fail(to.status());
  auto stub = v1::Reports::NewStub(cli.conn.channel());
  if (per_user) {
    v1::ExportUserUsageRequest req;
    *req.mutable_range()->mutable_start() = ToTimestamp(*from);
    *req.mutable_range()->mutable_end() = ToTimestamp(*to);
    return cli.Call(&v1::Reports::Stub::ExportUserUsage, *stub, req,
                    [](const v1::ExportUserUsageResponse& r) {
                      std::cout << r.csv();
                      return kOk;
                    });
  }
  v1::GetUsageReportRequest req;
  *req.mutable_range()->mutable_start() = ToTimestamp(*from);
  *req.mutable_range()->mutable_end() = ToTimestamp(*to);
  return cli.Call(&v1::Reports::Stub::GetUsageReport, *stub, req,
                  [csv](const v1::UsageReport& r) {
                    if (csv) {
                      std::cout << "dimension,key,value\n";
                      for (const auto& row : r.rows()) {
                        std::cout << row.dimension() << "," << row.key() << ","
                                  << absl::StrFormat("%g", row.value()) << "\n";
                      }
                      return kOk;
                    }
                    Table t({"FIGURE", "FOR", "VALUE"});
                    for (const auto& row : r.rows()) {
                      t.Add({row.dimension(), row.key(),
                             absl::StrFormat("%g", row.value())});
                    }
                    t.Print();
                    return kOk;
                  });
}

int ExportCalendar(Cli& cli) {
  const bool ics = cli.args.Flag("ics");
  auto machine = cli.args.Option("machine");
  auto output = cli.args.Option("output");
  int code = kOk;
  if (!cli.Done(code)) return code;
  if (!ics)
    return cli.Usage(
        "usage: werkbank bookings export --ics [--machine M] [--output FILE]");
  v1::ExportCalendarRequest req;
  req.set_machine_id(machine.value_or(""));
  auto stub = v1::Reports::NewStub(cli.conn.channel());
  return cli.Call(&v1::Reports::Stub::ExportCalendar, *stub, req,
                  [&](const v1::ExportCalendarResponse& r) {
                    if (!output) {
                      std::cout << r.ics();
                      return kOk;
                    }
                    std::ofstream(*output, std::ios::binary) << r.ics();
                    std::cout << "calendar written to " << *output << "\n";
                    return kOk;
                  });
}

}  // namespace werkbank::cli
