// absl::Status -> grpc::Status; see status.h.
#include "status.h"

#include "services/common/utf8.h"

namespace werkbank::api {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  auto code = static_cast<grpc::StatusCode>(status.code());
  if (status.code() == absl::StatusCode::kUnknown) {
    code = grpc::StatusCode::INTERNAL;
  }
  // A message may quote a request cut short in the middle of a character.
  return grpc::Status(code, utf8::EscapeInvalid(status.message()));
}

}  // namespace werkbank::api
