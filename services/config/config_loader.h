// SPDX-License-Identifier: EUPL-1.2
// Reads werkbank's config (protobuf text format), checks it and fills in the
// defaults, so that the rest of the daemon reads ready values.
//
// Every error names the source, line and column and the field, and says what
// would be valid, e.g.
//   /etc/werkbank/werkbank.textproto:31:18: machines[1].machine_class: unknown
//   machine class "lazer"; the config defines: fdm, laser
#ifndef WERKBANK_SERVICES_CONFIG_CONFIG_LOADER_H_
#define WERKBANK_SERVICES_CONFIG_CONFIG_LOADER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "werkbank/v1/config.pb.h"

namespace werkbank::config {

// Parses and validates `text`; `source` names it in error messages. On error
// the status is INVALID_ARGUMENT and its message lists every problem found,
// one per line.
absl::StatusOr<v1::Config> ParseConfig(absl::string_view text,
                                       absl::string_view source);

// Reads the file at `path`, then ParseConfig.
absl::StatusOr<v1::Config> LoadConfigFile(const std::string& path);

// The config as text format, defaults included (for --check-config).
std::string PrintConfig(const v1::Config& config);

// "09:30" -> 570; "24:00" -> 1440. Error for anything else.
absl::StatusOr<int> ParseClockMinutes(absl::string_view hhmm);

}  // namespace werkbank::config

#endif  // WERKBANK_SERVICES_CONFIG_CONFIG_LOADER_H_
