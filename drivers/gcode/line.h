// SPDX-License-Identifier: EUPL-1.2
// One line of G-code, tokenized: comments (';' and '( )') and whitespace
// removed, letters upper-cased, N and '*' fields split off, and the words
// (letter + number) listed. What a machine is sent is `code`.
#ifndef WERKBANK_DRIVERS_GCODE_LINE_H_
#define WERKBANK_DRIVERS_GCODE_LINE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace werkbank::gcode {

inline constexpr size_t kMaxLineLength = 256;

struct Word {
  char letter = 0;
  double value = 0;
};

struct Line {
  int64_t source_line = 0;   // 1-based line in the file
  std::string code;          // e.g. "G1 X10 Y5.5 F1200"; empty for no command
  std::string command;       // e.g. "G1", "M104", "$H", "$" settings
  std::vector<Word> words;   // every word, the command's first
  std::string text;          // free text of M117/M118
  std::optional<int64_t> n;  // an N field, when the file had one
  std::string error;         // non-empty: the line cannot be parsed

  // The value of the first word with `letter`, if any.
  std::optional<double> Get(char letter) const;
};

// Tokenizes one raw line (without its newline).
Line ParseLine(absl::string_view raw, int64_t source_line);

// The line ParseLine makes of a raw line longer than kMaxLineLength: an
// error that names its `length`.
Line LineTooLong(size_t length, int64_t source_line);

// Splits a whole program into lines at '\n' and tokenizes each; `%`
// delimiter lines and blank lines become empty lines (code == ""). A last
// line without a newline counts; an empty text after the last newline does
// not. LineSplitter does the same with a program that arrives in pieces.
std::vector<Line> ParseProgram(absl::string_view text);

}  // namespace werkbank::gcode

#endif  // WERKBANK_DRIVERS_GCODE_LINE_H_
