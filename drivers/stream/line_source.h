// SPDX-License-Identifier: EUPL-1.2
// Where a job's lines come from while it streams: a program in memory (tests,
// machine scripts) or a stored file read in bounded chunks, so that a host
// never holds a whole program and a 100 MB print costs no more memory than a
// small one.
#ifndef WERKBANK_DRIVERS_STREAM_LINE_SOURCE_H_
#define WERKBANK_DRIVERS_STREAM_LINE_SOURCE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace werkbank::stream {

class LineSource {
 public:
  virtual ~LineSource() = default;
  // Sets `line` to the next line and returns true; false at the end or when
  // the source failed (then status() says why).
  virtual bool Next(std::string& line) = 0;
  // The number of lines Next() gives in all.
  virtual int64_t size() const = 0;
  virtual absl::Status status() const { return absl::OkStatus(); }
};

std::unique_ptr<LineSource> VectorSource(std::vector<std::string> lines);
// `first`'s lines, then `second`'s (a machine's start script, then the job).
std::unique_ptr<LineSource> ConcatSource(std::unique_ptr<LineSource> first,
                                         std::unique_ptr<LineSource> second);

}  // namespace werkbank::stream

#endif  // WERKBANK_DRIVERS_STREAM_LINE_SOURCE_H_
