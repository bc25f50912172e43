// SPDX-License-Identifier: EUPL-1.2
// Uploading a file; see upload_stream.h.
#include "upload_stream.h"

#include <filesystem>

#include "absl/status/status.h"

namespace werkbank::cli {

absl::StatusOr<std::ifstream> OpenUpload(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("cannot read " + path);
  return in;
}

std::string UploadName(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

void ForEachChunk(std::istream& in,
                  const std::function<bool(std::string chunk)>& write) {
  std::string chunk(256 * 1024, '\0');
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) ||
         in.gcount() > 0) {
    if (!write(chunk.substr(0, static_cast<size_t>(in.gcount())))) return;
  }
}

}  // namespace werkbank::cli
