// SPDX-License-Identifier: EUPL-1.2
// A streaming multipart/form-data parser (RFC 7578) for uploads from
// slicers: the small fields ("path", "print", "select") are kept, bounded;
// the one file part's bytes are handed out as they arrive, so a 50 MiB
// program never sits in memory. A boundary may be split across any chunks.
//
// Not thread-safe; one parser per request.
#ifndef WERKBANK_SERVICES_WEB_OCTOPRINT_FORM_DATA_PARSER_H_
#define WERKBANK_SERVICES_WEB_OCTOPRINT_FORM_DATA_PARSER_H_

#include <cstddef>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace werkbank::web::octoprint {

// The boundary of a "multipart/form-data; boundary=…" Content-Type;
// INVALID_ARGUMENT, in a sentence, for any other type.
absl::StatusOr<std::string> BoundaryFromContentType(
    absl::string_view content_type);

class FormDataParser {
 public:
  struct Limits {
    size_t max_header_bytes = 8 * 1024;  // one part's headers
    size_t max_field_bytes = 4 * 1024;   // one field's value
    size_t max_fields = 16;
  };

  FormDataParser(std::string boundary, Limits limits);
  explicit FormDataParser(std::string boundary)
      : FormDataParser(std::move(boundary), Limits()) {}

  // Parses the next bytes of the body. The file part's bytes go to
  // `file_out` (appended); they are never more than `chunk` holds.
  // INVALID_ARGUMENT, as a sentence, for a malformed body, a second file,
  // or a field past its limit; the parser is unusable afterwards.
  absl::Status Feed(absl::string_view chunk, std::string* file_out);
  // The body ended: INVALID_ARGUMENT unless the closing boundary was seen.
  absl::Status Finish() const;

  // Whether the closing boundary was seen.
  bool done() const { return state_ == State::kDone; }
  // Whether the file part began (its headers were read), and its name.
  bool file_started() const { return file_started_; }
  const std::string& file_name() const { return file_name_; }
  // Fields complete so far, by name.
  const std::map<std::string, std::string>& fields() const { return fields_; }

 private:
  enum class State { kPreamble, kAfterDelimiter, kHeaders, kBody, kDone };

  absl::Status BeginPart(absl::string_view headers);
  absl::Status Emit(absl::string_view data, std::string* file_out);

  const std::string delimiter_;  // "\r\n--" + boundary
  const Limits limits_;
  State state_ = State::kPreamble;
  std::string buf_;  // bytes not yet resolved: at most a header block or a
                     // possible start of the delimiter
  bool in_file_ = false;
  std::string field_name_;
  std::string field_value_;
  bool file_started_ = false;
  std::string file_name_;
  std::map<std::string, std::string> fields_;
  bool failed_ = false;
};

}  // namespace werkbank::web::octoprint

#endif  // WERKBANK_SERVICES_WEB_OCTOPRINT_FORM_DATA_PARSER_H_
