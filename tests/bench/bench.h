// SPDX-License-Identifier: EUPL-1.2
// werkbank-bench: benchmarks that print figures. They never pass or fail on
// time; the README quotes their medians with the machine they ran on.
#ifndef WERKBANK_TESTS_BENCH_BENCH_H_
#define WERKBANK_TESTS_BENCH_BENCH_H_

#include <optional>
#include <string>
#include <vector>

namespace werkbank::bench {

// "name: p50 12.0 us, p99 40.0 us, max 55.0 us (n=50)"
void PrintPercentiles(const std::string& name, std::vector<double> values,
                      const std::string& unit);
// CPU model and core count, so figures always name their machine.
void PrintMachine();
// Argument `index` as a whole number in [min, max], `fallback` when it is not
// given; nullopt (after saying why on stderr) when it is not such a number.
std::optional<int> IntArg(int argc, char** argv, int index, const char* name,
                          int min, int max, int fallback);

int StreamBench(int argc, char** argv);
int BookingBench(int argc, char** argv);
int UploadBench(int argc, char** argv);
int AttackBench(int argc, char** argv);

}  // namespace werkbank::bench

#endif  // WERKBANK_TESTS_BENCH_BENCH_H_
