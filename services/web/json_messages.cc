// SPDX-License-Identifier: EUPL-1.2
// Method lookup and JSON conversion; see json_messages.h.
#include "json_messages.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace werkbank::web {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::Message;
using google::protobuf::MessageFactory;

constexpr absl::string_view kPackagePrefix = "/werkbank.v1.";

std::unique_ptr<Message> NewMessage(const Descriptor* type) {
  const Message* prototype =
      MessageFactory::generated_factory()->GetPrototype(type);
  return std::unique_ptr<Message>(prototype->New());
}

}  // namespace

bool IsApiPath(absl::string_view http_path) {
  return absl::StartsWith(http_path, kPackagePrefix);
}

std::optional<ApiMethod> FindApiMethod(absl::string_view http_path) {
  if (!IsApiPath(http_path)) return std::nullopt;
  absl::string_view rest = http_path.substr(1);
  auto slash = rest.find('/');
  if (slash == absl::string_view::npos) return std::nullopt;
  const auto* service = DescriptorPool::generated_pool()->FindServiceByName(
      std::string(rest.substr(0, slash)));
  if (service == nullptr) return std::nullopt;
  const auto* method =
      service->FindMethodByName(std::string(rest.substr(slash + 1)));
  if (method == nullptr) return std::nullopt;
  return ApiMethod{std::string(http_path), method};
}

absl::StatusOr<std::string> JsonToWire(const Descriptor* type,
                                       absl::string_view json) {
  auto message = NewMessage(type);
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  // An empty body is the empty message, as Connect clients may send it.
  const std::string text = json.empty() ? "{}" : std::string(json);
  auto status =
      google::protobuf::util::JsonStringToMessage(text, message.get(), options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the request is not valid JSON for ", type->full_name(),
                     ": ", status.message().ToString()));
  }
  return message->SerializeAsString();
}

absl::StatusOr<std::unique_ptr<Message>> ParseWire(const Descriptor* type,
                                                   absl::string_view wire) {
  auto message = NewMessage(type);
  if (!message->ParseFromArray(wire.data(), static_cast<int>(wire.size()))) {
    return absl::InternalError(
        absl::StrCat("cannot parse the daemon's ", type->full_name()));
  }
  return message;
}

std::string ToJson(const Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

}  // namespace werkbank::web
