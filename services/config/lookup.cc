// SPDX-License-Identifier: EUPL-1.2
// Config lookups; see lookup.h.
#include "lookup.h"

namespace werkbank::config {

const v1::MachineConfig* FindMachine(const v1::Config& config,
                                     absl::string_view id) {
  for (const auto& m : config.machines()) {
    if (m.id() == id) return &m;
  }
  return nullptr;
}

const v1::MachineClassConfig* FindClass(const v1::Config& config,
                                        absl::string_view name) {
  for (const auto& c : config.machine_classes()) {
    if (c.name() == name) return &c;
  }
  return nullptr;
}

std::string MachineIds(const v1::Config& config) {
  std::string out;
  for (const auto& m : config.machines()) {
    if (!out.empty()) out += ", ";
    out += m.id();
  }
  return out.empty() ? "(none)" : out;
}

std::string ClassNames(const v1::Config& config) {
  std::string out;
  for (const auto& c : config.machine_classes()) {
    if (!out.empty()) out += ", ";
    out += c.name();
  }
  return out;
}

}  // namespace werkbank::config
