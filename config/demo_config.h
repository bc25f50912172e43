// SPDX-License-Identifier: EUPL-1.2
// The embedded demo lab (config/demo.textproto), used when werkbankd runs
// without --config.
#ifndef WERKBANK_CONFIG_DEMO_CONFIG_H_
#define WERKBANK_CONFIG_DEMO_CONFIG_H_

#include <string_view>

namespace werkbank::config {

std::string_view DemoConfigText();

}  // namespace werkbank::config

#endif  // WERKBANK_CONFIG_DEMO_CONFIG_H_
