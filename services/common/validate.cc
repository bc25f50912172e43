// SPDX-License-Identifier: EUPL-1.2
// Request text checks; see validate.h.
#include "validate.h"

#include "absl/strings/str_cat.h"
#include "utf8.h"

namespace werkbank::validate {

absl::Status Login(absl::string_view login) {
  bool ok = login.size() >= 2 && login.size() <= 32;
  for (size_t i = 0; ok && i < login.size(); ++i) {
    char c = login[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    ok = alnum || (i > 0 && (c == '.' || c == '_' || c == '-'));
  }
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "login \"", login.substr(0, 40),
        "\" is not valid: use 2-32 characters of a-z, 0-9, '.', '_' and '-', "
        "starting with a letter or digit"));
  }
  return absl::OkStatus();
}

absl::Status Text(absl::string_view field, absl::string_view value,
                  size_t max_chars, bool required) {
  if (required && value.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  }
  if (value.size() > max_chars) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " is too long: ", value.size(), " bytes, at most ", max_chars));
  }
  if (!utf8::IsValid(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is not valid UTF-8"));
  }
  for (unsigned char c : value) {
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, " contains a control character"));
    }
  }
  return absl::OkStatus();
}

absl::Status Instant(absl::string_view field, absl::Time t) {
  static const absl::Time kMin = absl::FromUnixSeconds(946684800);   // 2000
  static const absl::Time kMax = absl::FromUnixSeconds(7258118400);  // 2200
  if (t < kMin || t > kMax) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " is out of range: ", absl::FormatTime(t, absl::UTCTimeZone()),
        "; give a time between the years 2000 and 2200"));
  }
  return absl::OkStatus();
}

}  // namespace werkbank::validate
