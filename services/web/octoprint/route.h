// SPDX-License-Identifier: EUPL-1.2
// Where a slicer's request goes: each machine has its own OctoPrint base
// URL, /machines/<machine-id>/, and the key comes in X-Api-Key or, as
// OctoPrint also accepts, the query parameter "apikey".
#ifndef WERKBANK_SERVICES_WEB_OCTOPRINT_ROUTE_H_
#define WERKBANK_SERVICES_WEB_OCTOPRINT_ROUTE_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace werkbank::web::octoprint {

inline constexpr absl::string_view kPrefix = "/machines/";

struct Route {
  std::string machine_id;
  std::string api;  // after the machine's base URL: "api/version"
  std::string query_key;
};

// Whether a request target belongs to the OctoPrint surface: a machine's
// api/…; other paths under /machines/ are the web app's.
bool IsOctoPrintTarget(absl::string_view target);
// nullopt for a target without a machine id.
std::optional<Route> ParseRoute(absl::string_view target);
// Whether `key` could be a key at all (what may travel in a header):
// printable, without spaces, at most 128 characters.
bool PlausibleKey(absl::string_view key);

}  // namespace werkbank::web::octoprint

#endif  // WERKBANK_SERVICES_WEB_OCTOPRINT_ROUTE_H_
