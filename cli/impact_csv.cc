// SPDX-License-Identifier: EUPL-1.2
// CSV files of the funders' report; see impact_csv.h.
#include "impact_csv.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "cli.h"
#include "impact_labels.h"

namespace werkbank::cli {

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  return absl::StrCat("\"", absl::StrReplaceAll(text, {{"\"", "\"\""}}), "\"");
}

absl::StatusOr<std::vector<std::string>> WriteImpactCsv(
    const v1::ImpactReport& report, const LabTime& time,
    const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot create ", dir, ": ", ec.message()));
  }
  std::vector<std::string> written;
  auto write = [&](const std::string& name,
                   const std::string& text) -> absl::Status {
    const std::string path = absl::StrCat(dir, "/", name, ".csv");
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << text;
    if (!f.good()) return absl::UnavailableError("cannot write " + path);
    written.push_back(path);
    return absl::OkStatus();
  };
  for (const v1::ImpactTable& t : report.tables()) {
    std::string text = "key";
    for (const auto& c : t.columns()) absl::StrAppend(&text, ",", CsvField(c));
    text += "\n";
    for (const auto& row : t.rows()) {
      text += CsvField(row.key());
      for (const auto& cell : row.cells()) {
        absl::StrAppend(&text, ",", CellText(cell));
      }
      text += "\n";
    }
    if (auto s = write(t.name(), text); !s.ok()) return s;
  }
  std::string text = "date,minutes,group,machine_classes,topic\n";
  for (const auto& w : report.workshops()) {
    absl::StrAppend(&text, CsvField(time.Format(FromTimestamp(w.start()))), ",",
                    w.duration_minutes(), ",", CsvField(w.group_type()), ",",
                    CsvField(absl::StrJoin(w.machine_classes(), " ")), ",",
                    CsvField(w.topic()), "\n");
  }
  if (auto s = write("workshops", text); !s.ok()) return s;
  return written;
}

}  // namespace werkbank::cli
