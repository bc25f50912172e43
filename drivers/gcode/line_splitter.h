// SPDX-License-Identifier: EUPL-1.2
// Cuts a program that arrives in pieces (upload chunks, blocks read from
// disk) into the same lines ParseProgram makes of the whole text, without
// ever holding more than one line: a line longer than kMaxLineLength is
// counted, not kept, and becomes ParseLine's "too long" error.
#ifndef WERKBANK_DRIVERS_GCODE_LINE_SPLITTER_H_
#define WERKBANK_DRIVERS_GCODE_LINE_SPLITTER_H_

#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "line.h"

namespace werkbank::gcode {

class LineSplitter {
 public:
  using Sink = absl::FunctionRef<void(const Line&)>;

  // Calls `sink` with every line that `bytes` completes, in order.
  void Add(absl::string_view bytes, Sink sink);
  // The program ended: calls `sink` with a last line that had no newline.
  void Finish(Sink sink);
  // Lines given to a sink so far.
  int64_t lines() const { return number_; }

 private:
  void Emit(absl::string_view raw, size_t length, Sink sink);

  std::string partial_;        // the current line's start, at most one line
  size_t partial_length_ = 0;  // its length, also beyond what partial_ keeps
  int64_t number_ = 0;
};

}  // namespace werkbank::gcode

#endif  // WERKBANK_DRIVERS_GCODE_LINE_SPLITTER_H_
