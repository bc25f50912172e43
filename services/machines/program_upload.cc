// SPDX-License-Identifier: EUPL-1.2
// Streaming upload to a temporary file; see program_upload.h.
#include "program_upload.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"

namespace werkbank::machines {
namespace {

constexpr size_t kBufferBytes = 256 << 10;
constexpr char kTempPrefix[] = "upload-";
constexpr char kTempSuffix[] = ".part";

absl::Status Errno(const std::string& what) {
  return absl::InternalError(absl::StrCat("cannot store the uploaded file (",
                                          what, "): ", std::strerror(errno)));
}

absl::Status FsyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("open " + dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Errno("fsync " + dir);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<ProgramUpload>> ProgramUpload::Create(
    const std::string& dir, const gcode::MachineLimits& limits,
    int64_t max_bytes) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return absl::InternalError(absl::StrCat("cannot store the uploaded file (",
                                            dir, "): ", ec.message()));
  }
  std::string path = absl::StrCat(dir, "/", kTempPrefix, "XXXXXX", kTempSuffix);
  const int fd = ::mkostemps(path.data(), sizeof(kTempSuffix) - 1, O_CLOEXEC);
  if (fd < 0) return Errno("create in " + dir);
  return std::unique_ptr<ProgramUpload>(
      new ProgramUpload(dir, std::move(path), fd, limits, max_bytes));
}

ProgramUpload::ProgramUpload(std::string dir, std::string temp_path, int fd,
                             const gcode::MachineLimits& limits,
                             int64_t max_bytes)
    : dir_(std::move(dir)),
      temp_path_(std::move(temp_path)),
      fd_(fd),
      max_bytes_(max_bytes),
      analyzer_(limits) {
  buffer_.reserve(kBufferBytes);
}

ProgramUpload::~ProgramUpload() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_path_.c_str());
}

absl::Status ProgramUpload::Write(absl::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("write");
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

absl::Status ProgramUpload::Flush() {
  absl::Status s = Write(buffer_);
  buffer_.clear();
  return s;
}

absl::Status ProgramUpload::Append(absl::string_view bytes) {
  if (size_ + static_cast<int64_t>(bytes.size()) > max_bytes_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the file is larger than the upload limit of ", max_bytes_, " bytes"));
  }
  size_ += static_cast<int64_t>(bytes.size());
  sha_.Update(bytes);
  splitter_.Add(bytes, [&](const gcode::Line& line) { analyzer_.Add(line); });
  if (buffer_.size() + bytes.size() > kBufferBytes) {
    if (auto s = Flush(); !s.ok()) return s;
  }
  if (bytes.size() >= kBufferBytes) return Write(bytes);  // no copy
  buffer_.append(bytes.data(), bytes.size());
  return absl::OkStatus();
}

absl::StatusOr<UploadedProgram> ProgramUpload::Finish() {
  if (size_ == 0) return absl::InvalidArgumentError("the file is empty");
  splitter_.Finish([&](const gcode::Line& line) { analyzer_.Add(line); });
  if (auto s = Flush(); !s.ok()) return s;
  if (::fsync(fd_) != 0) return Errno("fsync");
  UploadedProgram out;
  sha256_ = out.sha256 = sha_.FinalHex();
  out.size_bytes = size_;
  out.analysis = analyzer_.Finish();
  return out;
}

absl::Status ProgramUpload::Commit() {
  if (sha256_.empty()) return absl::InternalError("Commit() before Finish()");
  const std::string path = absl::StrCat(dir_, "/", sha256_, ".gcode");
  if (::rename(temp_path_.c_str(), path.c_str()) != 0) return Errno("rename");
  committed_ = true;
  return FsyncDir(dir_);
}

void RemoveUnfinishedUploads(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(kTempPrefix, 0) == 0 && name.ends_with(kTempSuffix))
      std::filesystem::remove(entry.path(), ec);
  }
}

}  // namespace werkbank::machines
