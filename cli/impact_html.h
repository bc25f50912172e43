// SPDX-License-Identifier: EUPL-1.2
// The printable yearly report: one self-contained HTML page (inline CSS and
// SVG charts; no script, no font, nothing fetched) that prints cleanly to
// PDF from a browser.
#ifndef WERKBANK_CLI_IMPACT_HTML_H_
#define WERKBANK_CLI_IMPACT_HTML_H_

#include <string>

#include "impact_labels.h"
#include "lab_time.h"
#include "werkbank/v1/reports.pb.h"

namespace werkbank::cli {

std::string ImpactHtml(const v1::ImpactReport& report, const LabTime& time,
                       Lang lang);

// Text made safe inside HTML elements and attributes.
std::string HtmlEscape(const std::string& text);

}  // namespace werkbank::cli

#endif  // WERKBANK_CLI_IMPACT_HTML_H_
