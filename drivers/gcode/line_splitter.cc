// SPDX-License-Identifier: EUPL-1.2
// Line splitting over pieces of a program; see line_splitter.h.
#include "line_splitter.h"

#include <algorithm>

namespace werkbank::gcode {

void LineSplitter::Emit(absl::string_view raw, size_t length, Sink sink) {
  ++number_;
  if (length > kMaxLineLength) {
    sink(LineTooLong(length, number_));
  } else {
    sink(ParseLine(raw, number_));
  }
}

void LineSplitter::Add(absl::string_view bytes, Sink sink) {
  while (!bytes.empty()) {
    const size_t nl = bytes.find('\n');
    const absl::string_view piece =
        bytes.substr(0, nl == absl::string_view::npos ? bytes.size() : nl);
    if (nl == absl::string_view::npos) {
      // Keep one byte past the limit: enough to know the line is too long.
      const size_t room = kMaxLineLength + 1 - partial_.size();
      if (partial_length_ <= kMaxLineLength)
        partial_.append(piece.data(), std::min(room, piece.size()));
      partial_length_ += piece.size();
      return;
    }
    if (partial_length_ == 0) {
      Emit(piece, piece.size(), sink);  // the common case: no copy
    } else {
      if (partial_length_ <= kMaxLineLength) {
        const size_t room = kMaxLineLength + 1 - partial_.size();
        partial_.append(piece.data(), std::min(room, piece.size()));
      }
      Emit(partial_, partial_length_ + piece.size(), sink);
      partial_.clear();
      partial_length_ = 0;
    }
    bytes.remove_prefix(nl + 1);
  }
}

void LineSplitter::Finish(Sink sink) {
  if (partial_length_ == 0) return;
  Emit(partial_, partial_length_, sink);
  partial_.clear();
  partial_length_ = 0;
}

}  // namespace werkbank::gcode
