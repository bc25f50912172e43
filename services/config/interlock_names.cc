// SPDX-License-Identifier: EUPL-1.2
// Lower-case names of the interlock enums; see interlock_names.h.
#include "interlock_names.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"

namespace werkbank::config {
namespace {

// Every named value of `e` except the UNSPECIFIED one.
std::string Choices(const google::protobuf::EnumDescriptor* e) {
  std::vector<std::string> names;
  for (int i = 0; i < e->value_count(); ++i) {
    if (e->value(i)->number() != 0) names.push_back(e->value(i)->name());
  }
  return absl::StrJoin(names, ", ");
}

}  // namespace

std::string InterlockName(v1::InterlockConfig::Kind kind) {
  if (kind == v1::InterlockConfig::KIND_UNSPECIFIED) return "unspecified";
  return absl::AsciiStrToLower(v1::InterlockConfig::Kind_Name(kind));
}

std::string ActionName(v1::InterlockConfig::Action action) {
  if (action == v1::InterlockConfig::ACTION_UNSPECIFIED) return "hold";
  return absl::AsciiStrToLower(v1::InterlockConfig::Action_Name(action));
}

std::string InterlockKindChoices() {
  return Choices(v1::InterlockConfig::Kind_descriptor());
}

std::string InterlockActionChoices() {
  return Choices(v1::InterlockConfig::Action_descriptor());
}

}  // namespace werkbank::config
