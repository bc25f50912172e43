// SPDX-License-Identifier: EUPL-1.2
// A temporary directory that is removed with everything in it on
// destruction.
#ifndef WERKBANK_TESTS_SUPPORT_TEMP_DIR_H_
#define WERKBANK_TESTS_SUPPORT_TEMP_DIR_H_

#include <cstdlib>
#include <filesystem>
#include <string>

namespace werkbank::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "werkbank-test-XXXXXX")
            .string();
    char* made = ::mkdtemp(tmpl.data());
    path_ = made ? made : "";
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace werkbank::testing

#endif  // WERKBANK_TESTS_SUPPORT_TEMP_DIR_H_
