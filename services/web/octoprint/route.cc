// SPDX-License-Identifier: EUPL-1.2
// Slicer request targets; see route.h.
#include "route.h"

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace werkbank::web::octoprint {

// Only what lies under a machine's api/ is the slicers'; the rest of
// /machines/… is the web app's own client routes (its machine pages).
bool IsOctoPrintTarget(absl::string_view target) {
  if (!absl::StartsWith(target, kPrefix)) return false;
  const std::optional<Route> route = ParseRoute(target);
  return route.has_value() &&
         (route->api == "api" || absl::StartsWith(route->api, "api/"));
}

std::optional<Route> ParseRoute(absl::string_view target) {
  if (!absl::StartsWith(target, kPrefix)) return std::nullopt;
  absl::string_view query;
  if (auto q = target.find('?'); q != absl::string_view::npos) {
    query = target.substr(q + 1);
    target = target.substr(0, q);
  }
  target.remove_prefix(kPrefix.size());
  Route route;
  const auto slash = target.find('/');
  route.machine_id = std::string(target.substr(0, slash));
  if (route.machine_id.empty()) return std::nullopt;
  absl::string_view rest =
      slash == absl::string_view::npos ? "" : target.substr(slash + 1);
  // A host entered with a trailing slash gives "…/printer-1//api/version".
  while (absl::ConsumePrefix(&rest, "/")) {
  }
  while (absl::ConsumeSuffix(&rest, "/")) {
  }
  route.api = std::string(rest);
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    if (absl::ConsumePrefix(&pair, "apikey=")) {
      route.query_key = std::string(pair);
    }
  }
  return route;
}

bool PlausibleKey(absl::string_view key) {
  if (key.empty() || key.size() > 128) return false;
  for (char c : key) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

}  // namespace werkbank::web::octoprint
