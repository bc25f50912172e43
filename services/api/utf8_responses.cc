// SPDX-License-Identifier: EUPL-1.2
// Escapes invalid UTF-8 in responses; see utf8_responses.h.
#include "utf8_responses.h"

#include <google/protobuf/descriptor.h>
#include <grpcpp/support/byte_buffer.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "services/common/utf8_wire.h"

namespace werkbank::api {
namespace {

class Utf8ResponsesInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit Utf8ResponsesInterceptor(const google::protobuf::Descriptor* type)
      : type_(type) {}

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (type_ != nullptr &&
        methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      if (grpc::ByteBuffer* buffer = methods->GetSerializedSendMessage()) {
        Repair(*buffer);
      }
    }
    methods->Proceed();
  }

 private:
  void Repair(grpc::ByteBuffer& buffer) {
    std::vector<grpc::Slice> slices;
    if (!buffer.Dump(&slices).ok()) return;
    std::string encoded;
    for (const grpc::Slice& s : slices) {
      encoded.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    auto repaired = utf8::RepairEncoded(*type_, encoded);
    if (!repaired) return;
    grpc::Slice slice(*repaired);
    buffer = grpc::ByteBuffer(&slice, 1);
  }

  const google::protobuf::Descriptor* const type_;  // null: not ours
};

// "/werkbank.v1.Jobs/GetJob" -> the descriptor of werkbank.v1.Job.
const google::protobuf::Descriptor* ResponseType(const char* method) {
  if (method == nullptr || !absl::StartsWith(method, "/werkbank.")) {
    return nullptr;
  }
  const std::string name =
      absl::StrReplaceAll(absl::string_view(method).substr(1), {{"/", "."}});
  const google::protobuf::MethodDescriptor* m =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
          name);
  return m == nullptr ? nullptr : m->output_type();
}

}  // namespace

grpc::experimental::Interceptor*
Utf8ResponsesInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new Utf8ResponsesInterceptor(ResponseType(info->method()));
}

}  // namespace werkbank::api
