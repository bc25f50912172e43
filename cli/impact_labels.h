// SPDX-License-Identifier: EUPL-1.2
// Words of the funders' report in German and English, and how a cell is
// written: its value, or "×" when it is hidden. Every hidden cell gets the
// same mark: a reader who could tell a small figure from one hidden to
// protect it would learn that the latter is not small.
#ifndef WERKBANK_CLI_IMPACT_LABELS_H_
#define WERKBANK_CLI_IMPACT_LABELS_H_

#include <string>

#include "werkbank/v1/reports.pb.h"

namespace werkbank::cli {

enum class Lang { kEnglish, kGerman };

// The label of a table, row or column key; a key it does not know (a
// configured group type, a machine class, a month) is returned as it is.
std::string Label(const std::string& key, Lang lang);

// The one mark of every hidden cell, in every output of the report.
inline constexpr char kHiddenMark[] = "×";

std::string CellText(const v1::ImpactCell& cell);

// The legend of the mark, one sentence, for a report whose small groups are
// those of fewer than `min_group_size` people.
std::string HiddenNote(int min_group_size, Lang lang);

}  // namespace werkbank::cli

#endif  // WERKBANK_CLI_IMPACT_LABELS_H_
