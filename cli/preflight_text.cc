// SPDX-License-Identifier: EUPL-1.2
// A preflight report as text; see preflight_text.h.
#include "preflight_text.h"

#include "absl/strings/str_format.h"

namespace werkbank::cli {

std::string PreflightSummary(const v1::PreflightReport& p) {
  std::string out =
      absl::StrFormat("  preflight %s: %d lines, about %d min",
                      p.passed() ? "passed" : "FAILED", p.line_count(),
                      static_cast<int>(p.estimated_seconds() / 60) + 1);
  if (p.bbox_max_size() == 3) {
    absl::StrAppendFormat(&out, ", area %.0f x %.0f mm",
                          p.bbox_max(0) - p.bbox_min(0),
                          p.bbox_max(1) - p.bbox_min(1));
  }
  return out;
}

void PrintViolations(const v1::PreflightReport& p, std::ostream& out) {
  for (const auto& v : p.violations()) {
    out << "  line " << v.line() << " [" << v.rule() << "]: " << v.message()
        << "\n";
  }
}

}  // namespace werkbank::cli
