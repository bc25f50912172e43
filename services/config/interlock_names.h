// SPDX-License-Identifier: EUPL-1.2
// The names an interlock goes by outside the config: "door", "air_assist",
// "estop". The config writes them as enum values (DOOR, AIR_ASSIST, ESTOP);
// the audit log, the CLI's --confirm and the messages people read use these
// lower-case names. Thread-safe.
#ifndef WERKBANK_SERVICES_CONFIG_INTERLOCK_NAMES_H_
#define WERKBANK_SERVICES_CONFIG_INTERLOCK_NAMES_H_

#include <string>

#include "werkbank/v1/config.pb.h"

namespace werkbank::config {

// "door" for DOOR; "unspecified" for KIND_UNSPECIFIED.
std::string InterlockName(v1::InterlockConfig::Kind kind);
// "hold", "abort", "estop"; ACTION_UNSPECIFIED is "hold".
std::string ActionName(v1::InterlockConfig::Action action);
// The enum's value names, comma-separated, for error messages.
std::string InterlockKindChoices();
std::string InterlockActionChoices();

}  // namespace werkbank::config

#endif  // WERKBANK_SERVICES_CONFIG_INTERLOCK_NAMES_H_
