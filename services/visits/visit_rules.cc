// SPDX-License-Identifier: EUPL-1.2
// Visit validation; see visit_rules.h.
#include "visit_rules.h"

#include <algorithm>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/validate.h"
#include "services/config/lookup.h"

namespace werkbank::visits {
namespace {

constexpr int kMaxHeadCount = 10000;

}  // namespace

std::vector<std::string> GroupTypes(const v1::Config& config) {
  const auto& configured = config.privacy().group_types();
  if (!configured.empty()) return {configured.begin(), configured.end()};
  return {"school_class", "club", "citizens", "city_staff", "other"};
}

absl::Status CheckVisit(const store::VisitRecord& v, const v1::Config& config) {
  if (auto s = validate::Instant("start", v.start); !s.ok()) return s;
  if (v.duration_minutes < 1 || v.duration_minutes > 24 * 60) {
    return absl::InvalidArgumentError(absl::StrCat(
        "duration must be 1 to 1440 minutes, not ", v.duration_minutes));
  }
  const auto types = GroupTypes(config);
  if (std::find(types.begin(), types.end(), v.group_type) == types.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("group type \"", v.group_type,
                     "\" is unknown; use one of ", absl::StrJoin(types, ", ")));
  }
  for (const std::string& c : v.machine_classes) {
    if (config::FindClass(config, c) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("machine class \"", c, "\" is unknown; the lab has ",
                       config::ClassNames(config)));
    }
  }
  if (v.head_count < 1 || v.head_count > kMaxHeadCount) {
    return absl::InvalidArgumentError(absl::StrCat(
        "head-count must be 1 to ", kMaxHeadCount, ", not ", v.head_count));
  }
  auto negative = [](const auto& counts) {
    return std::any_of(counts.begin(), counts.end(),
                       [](int n) { return n < 0; });
  };
  if (negative(v.age_bands) || (v.genders && negative(*v.genders)) ||
      v.first_timers < 0) {
    return absl::InvalidArgumentError("counts cannot be negative");
  }
  const int64_t ages =
      std::accumulate(v.age_bands.begin(), v.age_bands.end(), int64_t{0});
  if (ages != v.head_count) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the age bands add up to ", ages, " but the head-count is ",
        v.head_count,
        "; put those whose age you do not know in \"not stated\""));
  }
  if (v.genders) {
    const int64_t genders =
        std::accumulate(v.genders->begin(), v.genders->end(), int64_t{0});
    if (genders > v.head_count) {
      return absl::InvalidArgumentError(
          absl::StrCat("the gender counts add up to ", genders,
                       ", more than the head-count of ", v.head_count));
    }
  }
  if (v.first_timers > v.head_count) {
    return absl::InvalidArgumentError(
        absl::StrCat(v.first_timers, " first-timers are more than the ",
                     "head-count of ", v.head_count));
  }
  return validate::Text("topic", v.topic, 200, /*required=*/false);
}

}  // namespace werkbank::visits
