// SPDX-License-Identifier: EUPL-1.2
// Fuzz target: the G-code tokenizer, analysis and preflight, and the line
// splitter that uploads and stored programs go through: cut into pieces, any
// input gives the same lines as the whole text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "drivers/gcode/analysis.h"
#include "drivers/gcode/line.h"
#include "drivers/gcode/line_splitter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto program = werkbank::gcode::ParseProgram(text);
  werkbank::gcode::MachineLimits printer;
  (void)werkbank::gcode::Analyze(program, printer);
  werkbank::gcode::MachineLimits laser;
  laser.flavor = werkbank::gcode::Flavor::kGrbl;
  laser.envelope_mm = {600, 400, 0};
  laser.laser_m4_only = true;
  (void)werkbank::gcode::Analyze(program, laser);

  const size_t piece = 1 + (size > 0 ? data[0] % 64 : 0);
  std::vector<werkbank::gcode::Line> split;
  werkbank::gcode::LineSplitter splitter;
  auto take = [&](const werkbank::gcode::Line& l) { split.push_back(l); };
  for (size_t pos = 0; pos < text.size(); pos += piece)
    splitter.Add(absl::string_view(text).substr(pos, piece), take);
  splitter.Finish(take);
  if (split.size() != program.size()) std::abort();
  for (size_t i = 0; i < split.size(); ++i) {
    if (split[i].code != program[i].code ||
        split[i].error != program[i].error ||
        split[i].source_line != program[i].source_line) {
      std::abort();
    }
  }
  return 0;
}
