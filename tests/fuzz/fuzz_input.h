// SPDX-License-Identifier: EUPL-1.2
// Splitting a fuzzer's bytes into the values a target needs, the same way
// under libFuzzer and in the corpus replay that ctest runs.
#ifndef WERKBANK_TESTS_FUZZ_FUZZ_INPUT_H_
#define WERKBANK_TESTS_FUZZ_FUZZ_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace werkbank::fuzz {

class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  // Bytes up to the next '\x1f' (unit separator) or the end.
  std::string Field() {
    std::string out;
    while (pos_ < size_ && data_[pos_] != 0x1f)
      out.push_back(static_cast<char>(data_[pos_++]));
    if (pos_ < size_) ++pos_;
    return out;
  }
  int64_t Number() {
    int64_t v = 0;
    for (int i = 0; i < 8 && pos_ < size_; ++i) v = (v << 8) | data_[pos_++];
    return v;
  }
  bool empty() const { return pos_ >= size_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace werkbank::fuzz

#endif  // WERKBANK_TESTS_FUZZ_FUZZ_INPUT_H_
