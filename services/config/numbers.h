// SPDX-License-Identifier: EUPL-1.2
// Defaults and ranges of the config's number fields, in one table per
// message. Every number field is `optional`, so "not written" and 0 differ:
// an unset field takes its default; a written one must lie in its range, and
// a refused 0 says which default leaving it out would give.
#ifndef WERKBANK_SERVICES_CONFIG_NUMBERS_H_
#define WERKBANK_SERVICES_CONFIG_NUMBERS_H_

#include <google/protobuf/message.h>

#include <initializer_list>
#include <optional>

#include "checker.h"

namespace werkbank::config {

struct NumberRule {
  const char* field;               // an optional int32, int64 or double field
  std::optional<double> fallback;  // set when unset; nullopt: stays unset
  double min;
  double max;
};

// Applies `rules` to the fields of `message`, reporting through `c`.
void ApplyNumberRules(Checker& c, google::protobuf::Message& message,
                      std::initializer_list<NumberRule> rules);

}  // namespace werkbank::config

#endif  // WERKBANK_SERVICES_CONFIG_NUMBERS_H_
