// SPDX-License-Identifier: EUPL-1.2
// Streaming multipart/form-data; see form_data_parser.h.
#include "form_data_parser.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace werkbank::web::octoprint {
namespace {

// A parameter of a header value: name="value" or name=value.
std::string Parameter(absl::string_view value, absl::string_view name) {
  for (absl::string_view part : absl::StrSplit(value, ';')) {
    part = absl::StripAsciiWhitespace(part);
    auto eq = part.find('=');
    if (eq == absl::string_view::npos) continue;
    if (!absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(part.substr(0, eq)),
                                name)) {
      continue;
    }
    absl::string_view v = absl::StripAsciiWhitespace(part.substr(eq + 1));
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
      v = v.substr(1, v.size() - 2);
    }
    return std::string(v);
  }
  return "";
}

}  // namespace

absl::StatusOr<std::string> BoundaryFromContentType(
    absl::string_view content_type) {
  const std::string lower = absl::AsciiStrToLower(content_type);
  if (!absl::StartsWith(lower, "multipart/form-data")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "an upload is a multipart/form-data request with the file in the "
        "part \"file\", not \"",
        content_type.substr(0, 60), "\""));
  }
  std::string boundary = Parameter(content_type, "boundary");
  if (boundary.empty() || boundary.size() > 70) {
    return absl::InvalidArgumentError(
        "the multipart/form-data request names no boundary (or one longer "
        "than 70 characters)");
  }
  return boundary;
}

FormDataParser::FormDataParser(std::string boundary, Limits limits)
    : delimiter_("\r\n--" + boundary), limits_(limits) {
  // The first delimiter may open the body without a line break before it.
  buf_ = "\r\n";
}

absl::Status FormDataParser::Feed(absl::string_view chunk,
                                  std::string* file_out) {
  auto fail = [this](std::string message) {
    failed_ = true;
    return absl::InvalidArgumentError(std::move(message));
  };
  if (failed_) return absl::InvalidArgumentError("the upload was malformed");
  if (state_ == State::kDone) return absl::OkStatus();  // the epilogue
  buf_.append(chunk.data(), chunk.size());
  while (true) {
    switch (state_) {
      case State::kPreamble: {
        auto at = buf_.find(delimiter_);
        if (at == std::string::npos) {
          // Keep what may be the start of the delimiter.
          if (buf_.size() >= delimiter_.size()) {
            buf_.erase(0, buf_.size() - delimiter_.size() + 1);
          }
          return absl::OkStatus();
        }
        buf_.erase(0, at + delimiter_.size());
        state_ = State::kAfterDelimiter;
        break;
      }
      case State::kAfterDelimiter: {
        // Transport padding (spaces, tabs) may follow a delimiter.
        size_t i = 0;
        while (i < buf_.size() && (buf_[i] == ' ' || buf_[i] == '\t')) ++i;
        if (buf_.size() - i < 2) return absl::OkStatus();
        absl::string_view next(buf_.data() + i, 2);
        if (next == "--") {
          state_ = State::kDone;
          buf_.clear();
          return absl::OkStatus();
        }
        if (next != "\r\n") {
          return fail(
              "the multipart body is malformed: a boundary is followed by "
              "neither a line break nor \"--\"");
        }
        buf_.erase(0, i + 2);
        state_ = State::kHeaders;
        break;
      }
      case State::kHeaders: {
        size_t end;
        size_t skip;
        if (absl::StartsWith(buf_, "\r\n")) {
          end = 0;
          skip = 2;
        } else {
          end = buf_.find("\r\n\r\n");
          skip = 4;
        }
        if (end == std::string::npos) {
          if (buf_.size() > limits_.max_header_bytes) {
            return fail(
                absl::StrCat("the headers of a form part are longer "
                             "than ",
                             limits_.max_header_bytes, " bytes"));
          }
          return absl::OkStatus();
        }
        if (auto s = BeginPart(absl::string_view(buf_).substr(0, end));
            !s.ok()) {
          failed_ = true;
          return s;
        }
        buf_.erase(0, end + skip);
        state_ = State::kBody;
        break;
      }
      case State::kBody: {
        auto at = buf_.find(delimiter_);
        if (at == std::string::npos) {
          if (buf_.size() >= delimiter_.size()) {
            const size_t safe = buf_.size() - delimiter_.size() + 1;
            if (auto s =
                    Emit(absl::string_view(buf_).substr(0, safe), file_out);
                !s.ok()) {
              failed_ = true;
              return s;
            }
            buf_.erase(0, safe);
          }
          return absl::OkStatus();
        }
        if (auto s = Emit(absl::string_view(buf_).substr(0, at), file_out);
            !s.ok()) {
          failed_ = true;
          return s;
        }
        buf_.erase(0, at + delimiter_.size());
        if (!in_file_) {
          if (fields_.size() >= limits_.max_fields) {
            return fail(absl::StrCat("the form has more than ",
                                     limits_.max_fields, " fields"));
          }
          fields_[field_name_] = std::move(field_value_);
          field_value_.clear();
        }
        in_file_ = false;
        state_ = State::kAfterDelimiter;
        break;
      }
      case State::kDone:
        return absl::OkStatus();
    }
  }
}

absl::Status FormDataParser::BeginPart(absl::string_view headers) {
  std::string name;
  std::string file_name;
  bool has_file_name = false;
  for (absl::string_view line : absl::StrSplit(headers, "\r\n")) {
    auto colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    if (!absl::EqualsIgnoreCase(
            absl::StripAsciiWhitespace(line.substr(0, colon)),
            "content-disposition")) {
      continue;
    }
    absl::string_view value = line.substr(colon + 1);
    name = Parameter(value, "name");
    for (absl::string_view part : absl::StrSplit(value, ';')) {
      part = absl::StripAsciiWhitespace(part);
      if (absl::StartsWithIgnoreCase(part, "filename=")) has_file_name = true;
    }
    file_name = Parameter(value, "filename");
  }
  if (name.empty()) {
    return absl::InvalidArgumentError(
        "a form part has no name (Content-Disposition: form-data; "
        "name=\"…\")");
  }
  if (name == "file" || has_file_name) {
    if (file_started_) {
      return absl::InvalidArgumentError(
          "the upload carries more than one file; send one at a time");
    }
    in_file_ = true;
    file_started_ = true;
    // A path is the slicer's folder; the job keeps the name only.
    auto slash = file_name.find_last_of("/\\");
    file_name_ =
        slash == std::string::npos ? file_name : file_name.substr(slash + 1);
    return absl::OkStatus();
  }
  in_file_ = false;
  field_name_ = std::move(name);
  field_value_.clear();
  return absl::OkStatus();
}

absl::Status FormDataParser::Emit(absl::string_view data,
                                  std::string* file_out) {
  if (in_file_) {
    file_out->append(data.data(), data.size());
    return absl::OkStatus();
  }
  if (field_value_.size() + data.size() > limits_.max_field_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("the form field \"", field_name_.substr(0, 40),
                     "\" is longer than ", limits_.max_field_bytes, " bytes"));
  }
  field_value_.append(data.data(), data.size());
  return absl::OkStatus();
}

absl::Status FormDataParser::Finish() const {
  if (state_ == State::kDone) return absl::OkStatus();
  return absl::InvalidArgumentError(
      "the upload ended before its closing boundary; the file is incomplete "
      "(send it again)");
}

}  // namespace werkbank::web::octoprint
