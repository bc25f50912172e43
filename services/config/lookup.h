// SPDX-License-Identifier: EUPL-1.2
// Lookups into a validated config: machines and classes by name, and lists of
// names for error messages.
#ifndef WERKBANK_SERVICES_CONFIG_LOOKUP_H_
#define WERKBANK_SERVICES_CONFIG_LOOKUP_H_

#include <string>

#include "absl/strings/string_view.h"
#include "werkbank/v1/config.pb.h"

namespace werkbank::config {

const v1::MachineConfig* FindMachine(const v1::Config& config,
                                     absl::string_view id);
const v1::MachineClassConfig* FindClass(const v1::Config& config,
                                        absl::string_view name);
std::string MachineIds(const v1::Config& config);  // "laser-1, printer-1"
std::string ClassNames(const v1::Config& config);  // "fdm, laser"

}  // namespace werkbank::config

#endif  // WERKBANK_SERVICES_CONFIG_LOOKUP_H_
