// SPDX-License-Identifier: EUPL-1.2
// Removing anonymised people's programs; see forgotten_programs.h.
#include "forgotten_programs.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace werkbank::privacy {
namespace {

// A stored name is 64 hex digits; anything else never becomes a path.
bool IsSha256(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<RemovedPrograms> RemoveForgottenPrograms(
    store::Store& store, const std::string& jobs_dir) {
  std::vector<std::string> forgotten;
  auto s = store.Read([&](store::Transaction& tx) -> absl::Status {
    auto found = tx.ListForgottenPrograms();
    if (!found.ok()) return found.status();
    forgotten = std::move(*found);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  RemovedPrograms out;
  for (const std::string& sha256 : forgotten) {
    if (!IsSha256(sha256)) continue;
    const std::string path = absl::StrCat(jobs_dir, "/", sha256, ".gcode");
    if (std::remove(path.c_str()) == 0) {
      ++out.removed;
    } else if (errno != ENOENT) {
      out.left.push_back(absl::StrCat(path, ": ", std::strerror(errno)));
    }
  }
  return out;
}

}  // namespace werkbank::privacy
