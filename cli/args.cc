// SPDX-License-Identifier: EUPL-1.2
// Command-line parsing; see args.h.
#include "args.h"

namespace werkbank::cli {

Args::Args(std::vector<std::string> argv, std::set<std::string> flags) {
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a.rfind("--", 0) == 0 && a.size() > 2) {
      std::string name = a.substr(2);
      std::string value;
      bool has_value = false;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_value = true;
      }
      if (flags.contains(name)) {
        flags_given_.insert(name);
        continue;
      }
      if (!has_value) {
        if (i + 1 >= argv.size()) {
          error_ = "option --" + name + " needs a value";
          continue;
        }
        value = argv[++i];
      }
      options_.push_back({name, value});
    } else {
      positional_.push_back(a);
    }
  }
}

bool Args::Flag(const std::string& name) {
  consumed_.insert(name);
  return flags_given_.contains(name);
}

std::optional<std::string> Args::Option(const std::string& name) {
  consumed_.insert(name);
  std::optional<std::string> out;
  for (const auto& [n, v] : options_) {
    if (n == name) out = v;
  }
  return out;
}

std::vector<std::string> Args::Options(const std::string& name) {
  consumed_.insert(name);
  std::vector<std::string> out;
  for (const auto& [n, v] : options_) {
    if (n == name) out.push_back(v);
  }
  return out;
}

std::optional<std::string> Args::Next() {
  if (next_ >= positional_.size()) return std::nullopt;
  return positional_[next_++];
}

std::string Args::Leftover() const {
  for (const auto& [n, v] : options_) {
    if (!consumed_.contains(n)) return "unknown option --" + n;
  }
  for (const auto& f : flags_given_) {
    if (!consumed_.contains(f)) return "unknown option --" + f;
  }
  if (next_ < positional_.size()) {
    return "unexpected argument \"" + positional_[next_] + "\"";
  }
  return "";
}

}  // namespace werkbank::cli
