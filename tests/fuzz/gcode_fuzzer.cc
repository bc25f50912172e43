// Fuzz target: the G-code tokenizer, analysis and preflight.
#include <cstddef>
#include <cstdint>
#include <string>

#include "drivers/gcode/analysis.h"
#include "drivers/gcode/line.h"

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
  return 0;
}
