// SPDX-License-Identifier: EUPL-1.2
// The funders' report as CSV: one file per table in a folder, plus
// workshops.csv. Keys, not translated labels, so that spreadsheets can rely
// on them; hidden cells are written as "×" like on paper.
#ifndef WERKBANK_CLI_IMPACT_CSV_H_
#define WERKBANK_CLI_IMPACT_CSV_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lab_time.h"
#include "werkbank/v1/reports.pb.h"

namespace werkbank::cli {

// Writes the files into `dir` (created if missing); returns their paths.
absl::StatusOr<std::vector<std::string>> WriteImpactCsv(
    const v1::ImpactReport& report, const LabTime& time,
    const std::string& dir);

// One CSV field, quoted when it needs to be.
std::string CsvField(const std::string& text);

}  // namespace werkbank::cli

#endif  // WERKBANK_CLI_IMPACT_CSV_H_
