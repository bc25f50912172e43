// SPDX-License-Identifier: EUPL-1.2
// Memory bounds that tests assert hold in every build: AddressSanitizer's
// shadow memory and quarantine make a sanitized daemon several times larger,
// so its bounds are scaled. The figures that count come from the normal
// build and the benchmarks.
#ifndef WERKBANK_TESTS_SUPPORT_MEMORY_BOUND_H_
#define WERKBANK_TESTS_SUPPORT_MEMORY_BOUND_H_

#include <cstdint>

namespace werkbank::testing {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr int64_t kMemoryScale = 4;
#else
inline constexpr int64_t kMemoryScale = 1;
#endif

inline constexpr int64_t MemoryBoundKb(int64_t kb) { return kb * kMemoryScale; }

}  // namespace werkbank::testing

#endif  // WERKBANK_TESTS_SUPPORT_MEMORY_BOUND_H_
