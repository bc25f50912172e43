// SPDX-License-Identifier: EUPL-1.2
// A preflight report as `werkbank job` and `werkbank service` print it:
//   preflight passed: 1200 lines, about 42 min, area 120 x 80 mm
//   line 17 [envelope]: X 310 is outside the bed (0..300)
#ifndef WERKBANK_CLI_PREFLIGHT_TEXT_H_
#define WERKBANK_CLI_PREFLIGHT_TEXT_H_

#include <ostream>
#include <string>

#include "werkbank/v1/jobs.pb.h"

namespace werkbank::cli {

// The summary line, indented, without its line break.
std::string PreflightSummary(const v1::PreflightReport& p);

// One indented line for each violation.
void PrintViolations(const v1::PreflightReport& p, std::ostream& out);

}  // namespace werkbank::cli

#endif  // WERKBANK_CLI_PREFLIGHT_TEXT_H_
