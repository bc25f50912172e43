// SPDX-License-Identifier: EUPL-1.2
// Upload requests from a query string; see upload_request.h.
#include "upload_request.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "werkbank/v1/jobs.pb.h"

namespace werkbank::web {
namespace {

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded: %XX and + for space.
absl::StatusOr<std::string> FormDecode(absl::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out.push_back(' ');
    } else if (in[i] == '%') {
      if (i + 2 >= in.size() || Hex(in[i + 1]) < 0 || Hex(in[i + 2]) < 0) {
        return absl::InvalidArgumentError(
            "malformed percent-encoding in the query");
      }
      out.push_back(static_cast<char>(Hex(in[i + 1]) * 16 + Hex(in[i + 2])));
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> UploadHeaderFromQuery(absl::string_view target) {
  v1::UploadJobRequest request;
  v1::UploadHeader* header = request.mutable_header();
  auto q = target.find('?');
  absl::string_view query =
      q == absl::string_view::npos ? "" : target.substr(q + 1);
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    auto eq = pair.find('=');
    absl::string_view key = pair.substr(0, eq);
    auto value =
        FormDecode(eq == absl::string_view::npos ? "" : pair.substr(eq + 1));
    if (!value.ok()) return value.status();
    if (key == "machine_id") {
      header->set_machine_id(*value);
    } else if (key == "file_name") {
      header->set_file_name(*value);
    } else if (key == "dry_run_on_machine") {
      if (*value != "true" && *value != "false") {
        return absl::InvalidArgumentError(absl::StrCat(
            "dry_run_on_machine is true or false, not \"", *value, "\""));
      }
      header->set_dry_run_on_machine(*value == "true");
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown parameter \"", key,
                       "\"; an upload takes machine_id, file_name and "
                       "dry_run_on_machine"));
    }
  }
  if (header->machine_id().empty()) {
    return absl::InvalidArgumentError(
        "name the machine: /upload/job?machine_id=…&file_name=…");
  }
  return request.SerializeAsString();
}

std::string UploadChunk(const char* data, size_t size) {
  v1::UploadJobRequest request;
  request.set_chunk(data, size);
  return request.SerializeAsString();
}

const google::protobuf::Descriptor* UploadResponseType() {
  return v1::Job::descriptor();
}

}  // namespace werkbank::web
