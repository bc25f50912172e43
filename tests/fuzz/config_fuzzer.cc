// SPDX-License-Identifier: EUPL-1.2
// Fuzz target: the config parser and its checks.
#include <cstddef>
#include <cstdint>
#include <string>

#include "services/config/config_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto cfg = werkbank::config::ParseConfig(text, "fuzz");
  if (cfg.ok()) (void)werkbank::config::PrintConfig(*cfg);
  return 0;
}
