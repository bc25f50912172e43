// SPDX-License-Identifier: EUPL-1.2
// Words of the funders' report in German and English, and how a cell is
// written: its value, "<5" when it counts too few people, "×" when it is
// hidden so that another cannot be worked out.
#ifndef WERKBANK_CLI_IMPACT_LABELS_H_
#define WERKBANK_CLI_IMPACT_LABELS_H_

#include <string>

#include "werkbank/v1/reports.pb.h"

namespace werkbank::cli {

enum class Lang { kEnglish, kGerman };

// The label of a table, row or column key; a key it does not know (a
// configured group type, a machine class, a month) is returned as it is.
std::string Label(const std::string& key, Lang lang);

std::string CellText(const v1::ImpactCell& cell, int min_group_size);

}  // namespace werkbank::cli

#endif  // WERKBANK_CLI_IMPACT_LABELS_H_
