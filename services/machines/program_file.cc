// SPDX-License-Identifier: EUPL-1.2
// Chunked reading of a stored program; see program_file.h.
#include "program_file.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"

namespace werkbank::machines {
namespace {

constexpr size_t kChunkBytes = 64 << 10;

int OpenForReading(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return fd;
}

// Reads up to `buffer.size()` bytes; -1 (errno set) on failure.
ssize_t ReadSome(int fd, std::string& buffer) {
  while (true) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n >= 0 || errno != EINTR) return n;
  }
}

}  // namespace

ProgramFile::ProgramFile(const std::string& path, int64_t lines,
                         std::string sha256)
    : name_(std::filesystem::path(path).filename().string()),
      lines_(lines),
      expected_sha_(std::move(sha256)),
      fd_(OpenForReading(path)),
      chunk_(kChunkBytes, '\0') {
  if (fd_ < 0) {
    status_ = absl::DataLossError(
        absl::StrCat("the stored program ", name_,
                     " cannot be opened: ", std::strerror(errno)));
  }
}

ProgramFile::~ProgramFile() {
  if (fd_ >= 0) ::close(fd_);
}

void ProgramFile::Fail(absl::Status status) {
  if (status_.ok()) status_ = std::move(status);
  pending_.clear();
}

void ProgramFile::Fill() {
  const ssize_t n = ReadSome(fd_, chunk_);
  if (n < 0) {
    Fail(absl::DataLossError(
        absl::StrCat("the stored program ", name_,
                     " cannot be read: ", std::strerror(errno))));
    return;
  }
  auto take = [&](const gcode::Line& line) {
    if (!line.error.empty()) {
      Fail(absl::DataLossError(absl::StrCat(
          "line ", line.source_line, " of the stored program ", name_,
          " does not parse (", line.error, "); it is not what was checked")));
    } else if (!line.code.empty() && status_.ok()) {
      pending_.emplace_back(line.source_line, line.code);
    }
  };
  if (n > 0) {
    const absl::string_view bytes(chunk_.data(), static_cast<size_t>(n));
    if (!expected_sha_.empty()) sha_.Update(bytes);
    splitter_.Add(bytes, take);
    return;
  }
  splitter_.Finish(take);
  at_end_ = true;
  const int64_t total = given_ + static_cast<int64_t>(pending_.size());
  if (!expected_sha_.empty() && sha_.FinalHex() != expected_sha_) {
    Fail(absl::DataLossError(absl::StrCat("the stored program ", name_,
                                          " changed after it was checked")));
  } else if (total != lines_) {
    Fail(absl::DataLossError(absl::StrCat("the stored program ", name_, " has ",
                                          total, " lines, not the ", lines_,
                                          " that were checked")));
  }
}

bool ProgramFile::Next(std::string& line) {
  while (pending_.empty()) {
    if (!status_.ok() || at_end_) return false;
    Fill();
  }
  if (!status_.ok()) return false;
  source_line_ = pending_.front().first;
  line = std::move(pending_.front().second);
  pending_.pop_front();
  ++given_;
  return true;
}

absl::Status VerifyProgram(const std::string& path, const std::string& sha256) {
  const std::string name = std::filesystem::path(path).filename().string();
  const int fd = OpenForReading(path);
  if (fd < 0) {
    return absl::DataLossError(
        absl::StrCat("the stored program ", name,
                     " cannot be opened: ", std::strerror(errno)));
  }
  crypto::Sha256 sha;
  std::string buffer(256 << 10, '\0');
  ssize_t n = 0;
  while ((n = ReadSome(fd, buffer)) > 0)
    sha.Update(absl::string_view(buffer.data(), static_cast<size_t>(n)));
  const int read_errno = errno;
  ::close(fd);
  if (n < 0) {
    return absl::DataLossError(
        absl::StrCat("the stored program ", name,
                     " cannot be read: ", std::strerror(read_errno)));
  }
  if (sha.FinalHex() != sha256) {
    return absl::DataLossError(
        absl::StrCat("the stored program ", name, " is damaged"));
  }
  return absl::OkStatus();
}

}  // namespace werkbank::machines
