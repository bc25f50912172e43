// SPDX-License-Identifier: EUPL-1.2
// Runs a fuzz target over files and folders of inputs (the seed corpus and
// every crash found so far), so ctest checks them without libFuzzer.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  int count = 0;
  for (int i = 1; i < argc; ++i) {
    std::error_code ec;
    std::filesystem::path root(argv[i]);
    auto run = [&](const std::filesystem::path& p) {
      std::ifstream in(p, std::ios::binary);
      std::stringstream s;
      s << in.rdbuf();
      const std::string bytes = s.str();
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()),
                             bytes.size());
      ++count;
    };
    if (std::filesystem::is_directory(root, ec)) {
      for (const auto& e :
           std::filesystem::recursive_directory_iterator(root, ec)) {
        if (e.is_regular_file()) run(e.path());
      }
    } else {
      run(root);
    }
  }
  std::printf("%d passed, 0 failed\n", count);
  return count > 0 ? 0 : 1;
}
