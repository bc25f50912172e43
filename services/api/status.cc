// SPDX-License-Identifier: EUPL-1.2
// absl::Status -> grpc::Status; see status.h.
#include "status.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <string>

#include "services/common/utf8.h"

namespace werkbank::api {

namespace {

// A google.rpc.Status {code, message}, encoded by hand (the daemon does not
// link the googleapis protos); gRPC sends it as grpc-status-details-bin.
std::string RpcStatusDetails(int code, const std::string& message) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream raw(&out);
    google::protobuf::io::CodedOutputStream coded(&raw);
    coded.WriteTag(1 << 3 | 0);  // int32 code = 1
    coded.WriteVarint32(static_cast<uint32_t>(code));
    coded.WriteTag(2 << 3 | 2);  // string message = 2
    coded.WriteVarint32(static_cast<uint32_t>(message.size()));
    coded.WriteString(message);
  }
  return out;
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  auto code = static_cast<grpc::StatusCode>(status.code());
  if (status.code() == absl::StatusCode::kUnknown) {
    code = grpc::StatusCode::INTERNAL;
  }
  // A message may quote a request cut short in the middle of a character.
  std::string message = utf8::EscapeInvalid(status.message());
  std::string details = RpcStatusDetails(code, message);
  return grpc::Status(code, std::move(message), std::move(details));
}

}  // namespace werkbank::api
