// SPDX-License-Identifier: EUPL-1.2
// Which file of the built web app answers a GET: path checks (no `..`, no
// NUL, no symlink out of the app folder), the client-side routing fallback
// to index.html, content types and caching rules.
#ifndef WERKBANK_SERVICES_WEB_STATIC_FILES_H_
#define WERKBANK_SERVICES_WEB_STATIC_FILES_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace werkbank::web {

struct StaticFile {
  std::string path;           // absolute, inside the app folder
  std::string content_type;   // "text/html; charset=utf-8", ...
  std::string cache_control;  // "no-cache" or a year, immutable
};

// Resolves the request target (path and query, percent-encoded) against
// `app_dir`. "/" and paths whose last segment has no extension fall back to
// index.html. INVALID_ARGUMENT for a path that tries to leave the folder or
// holds a NUL or backslash; NOT_FOUND when there is no such file.
absl::StatusOr<StaticFile> ResolveStaticFile(const std::string& app_dir,
                                             absl::string_view target);

// The precompressed "<file>.gz" beside a resolved file, if there is one
// inside `app_dir`.
std::optional<std::string> GzipSibling(const std::string& app_dir,
                                       const std::string& file);

// Whether a file name carries a content hash (esbuild's "app-3F2A9C1D.js",
// or lowercase hex "app-3f2a9c1d.js"): such a file never changes.
bool HasContentHash(absl::string_view file_name);

// The Content-Type for a file name, by extension.
std::string ContentTypeFor(absl::string_view file_name);

// Whether an Accept-Encoding header value accepts gzip.
bool AcceptsGzip(absl::string_view accept_encoding);

}  // namespace werkbank::web

#endif  // WERKBANK_SERVICES_WEB_STATIC_FILES_H_
