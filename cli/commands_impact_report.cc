// SPDX-License-Identifier: EUPL-1.2
// `werkbank report --year YEAR [--csv DIR] [--html FILE [--lang de|en]]`:
// the funders' report, on screen, as CSV files or as a printable page.
#include <fstream>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cli.h"
#include "impact_csv.h"
#include "impact_html.h"
#include "impact_labels.h"
#include "werkbank/v1/reports.grpc.pb.h"

namespace werkbank::cli {

int CmdImpactReport(Cli& cli) {
  constexpr char kReportUsage[] =
      "usage: werkbank report --year YEAR [--csv DIR] [--html FILE] "
      "[--lang de|en]";
  auto year_text = cli.args.Option("year");
  const bool csv = cli.args.Flag("csv");
  std::optional<std::string> csv_dir;
  if (csv) csv_dir = cli.args.Next();  // --csv is a switch elsewhere
  auto html = cli.args.Option("html");
  const std::string lang_text = cli.args.Option("lang").value_or("en");
  int code = kOk;
  if (!cli.Done(code)) return code;
  int year = 0;
  if (!year_text || !absl::SimpleAtoi(*year_text, &year) || (csv && !csv_dir)) {
    return cli.Usage(kReportUsage);
  }
  if (lang_text != "de" && lang_text != "en") {
    return cli.Usage("--lang is de or en");
  }
  const Lang lang = lang_text == "de" ? Lang::kGerman : Lang::kEnglish;
  auto time = cli.Time();
  if (!time.ok()) return cli.Fail(time.status());
  v1::GetImpactReportRequest req;
  req.set_year(year);
  auto stub = v1::Reports::NewStub(cli.conn.channel());
  return cli.Call(
      &v1::Reports::Stub::GetImpactReport, *stub, req,
      [&](const v1::ImpactReport& r) {
        if (csv_dir) {
          auto files = WriteImpactCsv(r, **time, *csv_dir);
          if (!files.ok()) return cli.Fail(files.status());
          std::cout << files->size() << " CSV files written to " << *csv_dir
                    << "\n";
        }
        if (html) {
          std::ofstream f(*html, std::ios::binary | std::ios::trunc);
          f << ImpactHtml(r, **time, lang);
          if (!f.good()) {
            return cli.Fail(absl::UnavailableError("cannot write " + *html));
          }
          std::cout << "report written to " << *html
                    << " (open it in a browser and print it to PDF)\n";
        }
        if (csv_dir || html) return kOk;
        std::cout << HiddenNote(r.min_group_size(), lang) << "\n\n";
        for (const auto& t : r.tables()) {
          std::cout << Label(t.name(), lang) << "\n";
          std::vector<std::string> header = {""};
          for (const auto& c : t.columns()) header.push_back(Label(c, lang));
          Table table(header);
          for (const auto& row : t.rows()) {
            std::vector<std::string> cells = {Label(row.key(), lang)};
            for (const auto& c : row.cells()) {
              cells.push_back(CellText(c));
            }
            table.Add(cells);
          }
          table.Print();
          std::cout << "\n";
        }
        std::cout << r.workshops_size() << " " << Label("workshops", lang)
                  << "\n";
        return kOk;
      });
}

}  // namespace werkbank::cli
