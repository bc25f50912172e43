// SPDX-License-Identifier: EUPL-1.2
// Static file resolution; see static_files.h.
#include "static_files.h"

#include <filesystem>
#include <system_error>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace werkbank::web {
namespace {

namespace fs = std::filesystem;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

absl::StatusOr<std::string> PercentDecode(absl::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size() || HexValue(in[i + 1]) < 0 ||
        HexValue(in[i + 2]) < 0) {
      return absl::InvalidArgumentError("malformed percent-encoding in path");
    }
    out.push_back(
        static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2])));
    i += 2;
  }
  return out;
}

absl::string_view Extension(absl::string_view name) {
  auto dot = name.rfind('.');
  if (dot == absl::string_view::npos || dot == 0) return "";
  return name.substr(dot + 1);
}

// `candidate` exists as a regular file and, with symlinks followed, still
// lies inside `root` (already canonical).
bool InsideAndRegular(const fs::path& root, const fs::path& candidate,
                      fs::path* resolved) {
  std::error_code ec;
  fs::path real = fs::canonical(candidate, ec);
  if (ec || !fs::is_regular_file(real, ec)) return false;
  auto rel = real.lexically_relative(root);
  if (rel.empty() || *rel.begin() == "..") return false;
  *resolved = real;
  return true;
}

}  // namespace

bool HasContentHash(absl::string_view file_name) {
  absl::string_view ext = Extension(file_name);
  if (ext.empty()) return false;
  absl::string_view stem =
      file_name.substr(0, file_name.size() - ext.size() - 1);
  auto sep = stem.find_last_of("-.");
  if (sep == absl::string_view::npos) return false;
  absl::string_view hash = stem.substr(sep + 1);
  if (hash.size() < 8 || hash.size() > 64) return false;
  bool lower_hex = true, upper_base32 = true, digit = false;
  for (char c : hash) {
    if (absl::ascii_isdigit(c)) digit = true;
    if (!(absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f'))) lower_hex = false;
    if (!((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'))) {
      upper_base32 = false;
    }
  }
  // esbuild's hashes are uppercase base32 and may lack a digit; a lowercase
  // hex hash must have one, so that a word ("app-feedback") is not taken
  // for a hash.
  return (lower_hex && digit) || upper_base32;
}

std::string ContentTypeFor(absl::string_view file_name) {
  const std::string ext = absl::AsciiStrToLower(Extension(file_name));
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "ico") return "image/x-icon";
  if (ext == "json") return "application/json";
  if (ext == "webmanifest") return "application/manifest+json";
  if (ext == "woff2") return "font/woff2";
  if (ext == "map") return "application/json";
  if (ext == "txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

bool AcceptsGzip(absl::string_view accept_encoding) {
  for (absl::string_view part : absl::StrSplit(accept_encoding, ',')) {
    std::vector<absl::string_view> fields = absl::StrSplit(part, ';');
    if (absl::AsciiStrToLower(absl::StripAsciiWhitespace(fields[0])) !=
        "gzip") {
      continue;
    }
    // "gzip;q=0" refuses it.
    for (size_t i = 1; i < fields.size(); ++i) {
      absl::string_view f = absl::StripAsciiWhitespace(fields[i]);
      if (f == "q=0" || f == "q=0.0" || f == "q=0.00" || f == "q=0.000") {
        return false;
      }
    }
    return true;
  }
  return false;
}

std::optional<std::string> GzipSibling(const std::string& app_dir,
                                       const std::string& file) {
  std::error_code ec;
  const fs::path root = fs::canonical(app_dir, ec);
  if (ec) return std::nullopt;
  fs::path resolved;
  if (!InsideAndRegular(root, fs::path(file + ".gz"), &resolved)) {
    return std::nullopt;
  }
  return resolved.string();
}

absl::StatusOr<StaticFile> ResolveStaticFile(const std::string& app_dir,
                                             absl::string_view target) {
  absl::string_view raw = target.substr(0, target.find_first_of("?#"));
  auto decoded = PercentDecode(raw);
  if (!decoded.ok()) return decoded.status();
  const std::string& path = *decoded;
  if (path.empty() || path[0] != '/') {
    return absl::InvalidArgumentError("the path must start with /");
  }
  if (path.find('\0') != std::string::npos ||
      path.find('\\') != std::string::npos) {
    return absl::InvalidArgumentError("the path holds a NUL or backslash");
  }
  std::vector<std::string> segments;
  for (absl::string_view seg : absl::StrSplit(path.substr(1), '/')) {
    if (seg.empty()) continue;
    if (seg == "." || seg == "..") {
      return absl::InvalidArgumentError(
          "the path may not contain \".\" or \"..\" segments");
    }
    // Hidden files (".git", ".env") are never part of a built app.
    if (seg[0] == '.') return absl::NotFoundError("no such file");
    segments.emplace_back(seg);
  }

  std::error_code ec;
  const fs::path root = fs::canonical(app_dir, ec);
  if (ec) {
    return absl::NotFoundError(
        absl::StrCat("the web app is not installed (", app_dir, ")"));
  }
  fs::path candidate = root;
  for (const auto& s : segments) candidate /= s;

  fs::path resolved;
  const bool routed = segments.empty() || Extension(segments.back()).empty();
  if (segments.empty() || !InsideAndRegular(root, candidate, &resolved)) {
    // Client-side routes (/machines/printer-1) are the app's index.html.
    if (!routed || !InsideAndRegular(root, root / "index.html", &resolved)) {
      return absl::NotFoundError(absl::StrCat("no such file: ", path));
    }
  }
  StaticFile file;
  file.path = resolved.string();
  const std::string name = resolved.filename().string();
  file.content_type = ContentTypeFor(name);
  file.cache_control =
      HasContentHash(name) ? "public, max-age=31536000, immutable" : "no-cache";
  return file;
}

}  // namespace werkbank::web
