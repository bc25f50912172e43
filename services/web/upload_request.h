// SPDX-License-Identifier: EUPL-1.2
// The browser's uploads as the messages of a client-streamed RPC: the header
// from the query, then the body in chunks, so that a browser upload runs the
// same code and limits as the CLI's.
//
//   POST /upload/job?machine_id=…&file_name=…&dry_run_on_machine=…
//        -> Jobs/UploadJob
//   POST /upload/service-request?machine_class=…&file_name=…&note=…
//        -> PrintService/SubmitServiceRequest
#ifndef WERKBANK_SERVICES_WEB_UPLOAD_REQUEST_H_
#define WERKBANK_SERVICES_WEB_UPLOAD_REQUEST_H_

#include <google/protobuf/descriptor.h>

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace werkbank::web {

// One kind of upload. Its request message has the header as field 1 and a
// chunk of bytes as field 2 (UploadJobRequest, SubmitServiceRequestRequest).
struct UploadKind {
  const char* path;  // "/upload/job"
  const char* rpc;   // "/werkbank.v1.Jobs/UploadJob"
  const google::protobuf::Descriptor* request;
  const google::protobuf::Descriptor* header;
  const google::protobuf::Descriptor* response;
  const char* required;  // the header field that must be given
  const char* missing;   // the message when it is not
};

// The upload served at `path`, or null.
const UploadKind* FindUpload(absl::string_view path);

// The request's {header} wire bytes for a request target: each query
// parameter sets the header field of its name (strings, and booleans as
// true/false). Unknown parameters are refused, naming the known ones.
absl::StatusOr<std::string> UploadHeaderFromQuery(const UploadKind& kind,
                                                  absl::string_view target);

// The request's {chunk} wire bytes (the same for every kind).
std::string UploadChunk(const char* data, size_t size);

}  // namespace werkbank::web

#endif  // WERKBANK_SERVICES_WEB_UPLOAD_REQUEST_H_
