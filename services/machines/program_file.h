// SPDX-License-Identifier: EUPL-1.2
// A stored program read back from disk for a run or a dry run, in chunks of
// a fixed size, so that a job's lines never sit in memory all at once (a
// 100 MB print costs what a small one does). It skips blank lines, comments
// and `%` as gcode::ParseProgram does, and sends each line's `code`, so the
// lines are exactly those the preflight checked and a line's index maps to
// its line in the file (source_line()).
//
// Not thread-safe: the streamer that owns it calls it from one thread.
#ifndef WERKBANK_SERVICES_MACHINES_PROGRAM_FILE_H_
#define WERKBANK_SERVICES_MACHINES_PROGRAM_FILE_H_

#include <cstdint>
#include <deque>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "drivers/gcode/line_splitter.h"
#include "drivers/stream/line_source.h"
#include "services/common/crypto.h"

namespace werkbank::machines {

class ProgramFile : public stream::LineSource {
 public:
  // Opens `path`, which holds `lines` lines with a command (the preflight's
  // count). When `sha256` is not empty, the bytes are hashed as they are
  // read and a file that ends with another hash fails at its end.
  ProgramFile(const std::string& path, int64_t lines, std::string sha256 = "");
  ~ProgramFile() override;
  ProgramFile(const ProgramFile&) = delete;
  ProgramFile& operator=(const ProgramFile&) = delete;

  // False at the end or on failure: the file cannot be opened or read, a
  // line does not parse, or the file is not what was checked (DATA_LOSS).
  bool Next(std::string& line) override;
  int64_t size() const override { return lines_; }
  absl::Status status() const override { return status_; }
  // The 1-based line in the file of the line Next() gave last.
  int64_t source_line() const { return source_line_; }

 private:
  // Reads the next chunk into pending_; at the file's end, checks it.
  void Fill();
  void Fail(absl::Status status);

  const std::string name_;  // the file's name, for messages
  const int64_t lines_;
  const std::string expected_sha_;
  int fd_ = -1;
  absl::Status status_;
  bool at_end_ = false;
  crypto::Sha256 sha_;
  gcode::LineSplitter splitter_;
  std::string chunk_;
  std::deque<std::pair<int64_t, std::string>> pending_;  // one chunk's lines
  int64_t given_ = 0;
  int64_t source_line_ = 0;
};

// Reads `path` in chunks and compares its SHA-256 with `sha256`: OK, or
// DATA_LOSS when the file is missing, cannot be read or differs.
absl::Status VerifyProgram(const std::string& path, const std::string& sha256);

}  // namespace werkbank::machines

#endif  // WERKBANK_SERVICES_MACHINES_PROGRAM_FILE_H_
