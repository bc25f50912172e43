// SPDX-License-Identifier: EUPL-1.2
// An upload of a G-code program in progress: the bytes go to a temporary file
// in the jobs folder as they arrive, and the SHA-256 and the preflight are
// computed on the way, line by line. Memory stays the same whatever the
// file's size (one write buffer, one line, the analyzer's bounded state).
// Finish() makes the file durable; Commit() names it <sha256>.gcode, which
// comes before the job's record is written.
//
// Not thread-safe: one upload is fed by one stream.
#ifndef WERKBANK_SERVICES_MACHINES_PROGRAM_UPLOAD_H_
#define WERKBANK_SERVICES_MACHINES_PROGRAM_UPLOAD_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "drivers/gcode/analysis.h"
#include "drivers/gcode/line_splitter.h"
#include "services/common/crypto.h"

namespace werkbank::machines {

struct UploadedProgram {
  std::string sha256;
  int64_t size_bytes = 0;
  gcode::Analysis analysis;
};

class ProgramUpload {
 public:
  // Creates the temporary file in `dir` (made if missing). INTERNAL when
  // the folder cannot be written.
  static absl::StatusOr<std::unique_ptr<ProgramUpload>> Create(
      const std::string& dir, const gcode::MachineLimits& limits,
      int64_t max_bytes);
  // Removes the temporary file unless Commit() moved it into place.
  ~ProgramUpload();
  ProgramUpload(const ProgramUpload&) = delete;
  ProgramUpload& operator=(const ProgramUpload&) = delete;

  // The next bytes of the file. RESOURCE_EXHAUSTED once the file would pass
  // `max_bytes` (nothing of them is kept); INTERNAL when the disk refuses.
  absl::Status Append(absl::string_view bytes);
  // The file is complete: writes and fsyncs it and returns its hash and
  // analysis. INVALID_ARGUMENT for an empty file. Call once.
  absl::StatusOr<UploadedProgram> Finish();
  // The file as written so far (to read it back before Commit()).
  const std::string& temp_path() const { return temp_path_; }
  // After Finish(): renames the file to <dir>/<sha256>.gcode (replacing a
  // stored copy, which has the same content) and fsyncs the folder.
  absl::Status Commit();

 private:
  ProgramUpload(std::string dir, std::string temp_path, int fd,
                const gcode::MachineLimits& limits, int64_t max_bytes);
  absl::Status Write(absl::string_view bytes);
  absl::Status Flush();

  const std::string dir_;
  const std::string temp_path_;
  int fd_;
  const int64_t max_bytes_;
  int64_t size_ = 0;
  std::string buffer_;  // bytes not yet written, at most kBufferBytes
  crypto::Sha256 sha_;
  gcode::LineSplitter splitter_;
  gcode::Analyzer analyzer_;
  std::string sha256_;  // set by Finish()
  bool committed_ = false;
};

// Removes the temporary files of uploads that a stopped daemon left behind.
void RemoveUnfinishedUploads(const std::string& dir);

}  // namespace werkbank::machines

#endif  // WERKBANK_SERVICES_MACHINES_PROGRAM_UPLOAD_H_
