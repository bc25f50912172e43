// SPDX-License-Identifier: EUPL-1.2
// POST /upload/job?machine_id=…&file_name=…&dry_run_on_machine=… as the
// messages of Jobs/UploadJob: the header from the query, then the body in
// chunks, so that a browser upload runs the same code and limits as the
// CLI's.
#ifndef WERKBANK_SERVICES_WEB_UPLOAD_REQUEST_H_
#define WERKBANK_SERVICES_WEB_UPLOAD_REQUEST_H_

#include <google/protobuf/descriptor.h>

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace werkbank::web {

// The UploadJobRequest{header} wire bytes for a request target. Unknown
// parameters are refused, naming the known ones.
absl::StatusOr<std::string> UploadHeaderFromQuery(absl::string_view target);

// UploadJobRequest{chunk} wire bytes.
std::string UploadChunk(const char* data, size_t size);

// werkbank.v1.Job, what an upload answers.
const google::protobuf::Descriptor* UploadResponseType();

}  // namespace werkbank::web

#endif  // WERKBANK_SERVICES_WEB_UPLOAD_REQUEST_H_
