// SPDX-License-Identifier: EUPL-1.2
// Upload requests from a query string; see upload_request.h.
#include "upload_request.h"

#include <google/protobuf/message.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "werkbank/v1/jobs.pb.h"
#include "werkbank/v1/service_requests.pb.h"

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

const UploadKind* Kinds(size_t* count) {
  static const UploadKind kKinds[] = {
      {"/upload/job", "/werkbank.v1.Jobs/UploadJob",
       v1::UploadJobRequest::descriptor(), v1::UploadHeader::descriptor(),
       v1::Job::descriptor(), "machine_id",
       "name the machine: /upload/job?machine_id=…&file_name=…"},
      {"/upload/service-request",
       "/werkbank.v1.PrintService/SubmitServiceRequest",
       v1::SubmitServiceRequestRequest::descriptor(),
       v1::ServiceRequestHeader::descriptor(), v1::ServiceRequest::descriptor(),
       "machine_class",
       "name the machine class: "
       "/upload/service-request?machine_class=…&file_name=…"},
  };
  *count = sizeof(kKinds) / sizeof(kKinds[0]);
  return kKinds;
}

}  // namespace

const UploadKind* FindUpload(absl::string_view path) {
  size_t count = 0;
  const UploadKind* kinds = Kinds(&count);
  for (size_t i = 0; i < count; ++i) {
    if (path == kinds[i].path) return &kinds[i];
  }
  return nullptr;
}

absl::StatusOr<std::string> UploadHeaderFromQuery(const UploadKind& kind,
                                                  absl::string_view target) {
  namespace pb = google::protobuf;
  std::unique_ptr<pb::Message> header(pb::MessageFactory::generated_factory()
                                          ->GetPrototype(kind.header)
                                          ->New());
  const pb::Reflection* reflection = header->GetReflection();
  std::vector<std::string> known;
  for (int i = 0; i < kind.header->field_count(); ++i)
    known.push_back(kind.header->field(i)->name());
  auto q = target.find('?');
  absl::string_view query =
      q == absl::string_view::npos ? "" : target.substr(q + 1);
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    auto eq = pair.find('=');
    const std::string key(pair.substr(0, eq));
    auto value =
        FormDecode(eq == absl::string_view::npos ? "" : pair.substr(eq + 1));
    if (!value.ok()) return value.status();
    const pb::FieldDescriptor* field = kind.header->FindFieldByName(key);
    if (field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown parameter \"", key, "\"; ", kind.path,
                       " takes ", absl::StrJoin(known, ", ")));
    }
    if (field->type() == pb::FieldDescriptor::TYPE_BOOL) {
      if (*value != "true" && *value != "false") {
        return absl::InvalidArgumentError(
            absl::StrCat(key, " is true or false, not \"", *value, "\""));
      }
      reflection->SetBool(header.get(), field, *value == "true");
    } else {
      reflection->SetString(header.get(), field, *value);
    }
  }
  const pb::FieldDescriptor* required =
      kind.header->FindFieldByName(kind.required);
  if (reflection->GetString(*header, required).empty()) {
    return absl::InvalidArgumentError(kind.missing);
  }
  // The request's field 1 is its header.
  std::unique_ptr<pb::Message> request(pb::MessageFactory::generated_factory()
                                           ->GetPrototype(kind.request)
                                           ->New());
  request->GetReflection()
      ->MutableMessage(request.get(), kind.request->FindFieldByNumber(1))
      ->CopyFrom(*header);
  return request->SerializeAsString();
}

std::string UploadChunk(const char* data, size_t size) {
  v1::UploadJobRequest request;
  request.set_chunk(data, size);
  return request.SerializeAsString();
}

}  // namespace werkbank::web
