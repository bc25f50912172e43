// SPDX-License-Identifier: EUPL-1.2
// Rewrites gRPC's own decoding failure; see malformed_request.h.
#include "malformed_request.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace werkbank::api {
namespace {

class MalformedRequestInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit MalformedRequestInterceptor(std::string method)
      : method_(std::move(method)) {}

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      if (status.error_code() == grpc::StatusCode::INTERNAL &&
          (status.error_message().empty() ||
           status.error_message() == "No payload")) {
        methods->ModifySendStatus(grpc::Status(
            grpc::StatusCode::INVALID_ARGUMENT,
            absl::StrCat("the request body is not a valid message for ",
                         method_,
                         " (malformed protobuf, or a text field that is not "
                         "UTF-8)")));
      }
    }
    methods->Proceed();
  }

 private:
  const std::string method_;
};

}  // namespace

grpc::experimental::Interceptor*
MalformedRequestInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new MalformedRequestInterceptor(info->method() ? info->method() : "");
}

}  // namespace werkbank::api
