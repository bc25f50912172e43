// SPDX-License-Identifier: EUPL-1.2
// The werkbank.v1 methods as the HTTP side sees them, looked up in the
// generated descriptor pool, and proto3 JSON <-> protobuf wire bytes for
// their messages (lowerCamelCase names, int64 as strings, enums by name;
// unknown fields in a request are ignored).
#ifndef WERKBANK_SERVICES_WEB_JSON_MESSAGES_H_
#define WERKBANK_SERVICES_WEB_JSON_MESSAGES_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace werkbank::web {

struct ApiMethod {
  std::string grpc_path;  // "/werkbank.v1.Accounts/Login"
  const google::protobuf::MethodDescriptor* descriptor = nullptr;
  bool client_streaming() const { return descriptor->client_streaming(); }
  bool server_streaming() const { return descriptor->server_streaming(); }
};

// The method an HTTP path names ("/werkbank.v1.Accounts/Login"), or
// nullopt when it names none in the werkbank.v1 package.
std::optional<ApiMethod> FindApiMethod(absl::string_view http_path);

// Whether an HTTP path lies in the API's namespace (a service path), so that
// it is never served as a static file.
bool IsApiPath(absl::string_view http_path);

// JSON of `type` -> wire bytes. INVALID_ARGUMENT names what is wrong.
absl::StatusOr<std::string> JsonToWire(const google::protobuf::Descriptor* type,
                                       absl::string_view json);

// Wire bytes of `type` -> a message, and a message -> JSON.
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> ParseWire(
    const google::protobuf::Descriptor* type, absl::string_view wire);
std::string ToJson(const google::protobuf::Message& message);

}  // namespace werkbank::web

#endif  // WERKBANK_SERVICES_WEB_JSON_MESSAGES_H_
