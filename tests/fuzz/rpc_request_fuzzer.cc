// SPDX-License-Identifier: EUPL-1.2
// Fuzz target: raw request bytes for every RPC method, through the real
// gRPC server and the real services (api_world.h). The first byte picks the
// method, the second the caller (nobody, participant, trainer, staff); the
// rest is the request message as it would arrive on the wire (for a client
// stream, messages separated by '\x1f'). Whatever the bytes, the daemon
// neither crashes nor answers INTERNAL or UNKNOWN, and every answer —
// messages and status text — is valid UTF-8.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>
#include <grpcpp/generic/generic_stub.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api_world.h"
#include "fuzz_input.h"
#include "werkbank/v1/accounts.grpc.pb.h"

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::MethodDescriptor;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "rpc_request_fuzzer: %s\n", what.c_str());
  std::abort();
}

// Every method of every werkbank service, in the order of the .proto files.
std::vector<const MethodDescriptor*> Methods() {
  std::vector<const MethodDescriptor*> out;
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const char* name : {"Accounts", "Trainings", "Bookings", "Machines",
                           "Jobs", "Monitor", "Audit", "Reports", "Admin",
                           "Visits", "Privacy", "ApiKeys", "PrintService"}) {
    const auto* service =
        pool->FindServiceByName(absl::StrCat("werkbank.v1.", name));
    if (service == nullptr) Fail(absl::StrCat("no service ", name));
    for (int m = 0; m < service->method_count(); ++m) {
      // Anonymising one of the world's callers would take its login for
      // good, and the next input could not log it in again; privacy_test
      // and privacy_e2e_test cover that call.
      if (service->method(m)->name() == "AnonymiseUser") continue;
      out.push_back(service->method(m));
    }
  }
  return out;
}

bool ValidUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    uint32_t cp = c;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      n = 1, cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2, cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3f);
    }
    // Overlong forms, surrogates and beyond U+10FFFF.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
        (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

// Every string field in `m`, however deep, is valid UTF-8.
void CheckStrings(const Message& m, const std::string& where) {
  const auto* reflection = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    const std::string path = absl::StrCat(where, ".", f->name());
    if (f->type() == FieldDescriptor::TYPE_STRING) {
      if (f->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(m, f); ++i) {
          if (!ValidUtf8(reflection->GetRepeatedString(m, f, i)))
            Fail(absl::StrCat(path, " is not UTF-8"));
        }
      } else if (!ValidUtf8(reflection->GetString(m, f))) {
        Fail(absl::StrCat(path, " is not UTF-8"));
      }
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(m, f); ++i)
          CheckStrings(reflection->GetRepeatedMessage(m, f, i), path);
      } else {
        CheckStrings(reflection->GetMessage(m, f), path);
      }
    }
  }
}

std::string ToString(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const grpc::Slice& s : slices)
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

grpc::ByteBuffer ToBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

// Waits for the one operation in flight on `cq`; whether it succeeded.
bool Await(grpc::CompletionQueue& cq) {
  void* tag;
  bool ok = false;
  if (!cq.Next(&tag, &ok)) Fail("completion queue shut down");
  return ok;
}

struct Target {
  werkbank::fuzz::ApiWorld world;
  std::vector<const MethodDescriptor*> methods = Methods();
  grpc::GenericStub stub{world.channel()};
  google::protobuf::DynamicMessageFactory factory;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Target* target = new Target();
  if (size < 2) return 0;
  const MethodDescriptor* method =
      target->methods[data[0] % target->methods.size()];
  const auto caller =
      static_cast<werkbank::fuzz::Caller>(data[1] % werkbank::fuzz::kCallers);
  const std::string body(reinterpret_cast<const char*>(data + 2), size - 2);
  std::vector<std::string> messages;
  if (method->client_streaming()) {
    werkbank::fuzz::Input in(data + 2, size - 2);
    while (!in.empty()) messages.push_back(in.Field());
  } else {
    messages.push_back(body);
  }
  const std::string path =
      absl::StrCat("/", method->service()->full_name(), "/", method->name());

  grpc::ClientContext ctx;
  const std::string& token = target->world.token(caller);
  if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  grpc::CompletionQueue cq;
  auto call = target->stub.PrepareCall(&ctx, path, &cq);
  call->StartCall(nullptr);
  bool open = Await(cq);
  for (const std::string& m : messages) {
    if (!open) break;
    call->Write(ToBuffer(m), nullptr);
    open = Await(cq);
  }
  if (open) {
    call->WritesDone(nullptr);
    Await(cq);
  }
  // A server stream may go on for ever (a lab watch): its first answers
  // are checked, then the call is ended.
  const Message* prototype =
      target->factory.GetPrototype(method->output_type());
  for (int read = 0; read < 2; ++read) {
    grpc::ByteBuffer answer;
    call->Read(&answer, nullptr);
    if (!Await(cq)) break;
    std::unique_ptr<Message> decoded(prototype->New());
    if (!decoded->ParseFromString(ToString(answer)))
      Fail(absl::StrCat(path, ": the answer does not decode"));
    CheckStrings(*decoded, method->output_type()->name());
    if (!method->server_streaming()) break;
  }
  if (method->server_streaming()) ctx.TryCancel();
  grpc::Status status;
  call->Finish(&status, nullptr);
  Await(cq);
  if (status.error_code() == grpc::StatusCode::INTERNAL ||
      status.error_code() == grpc::StatusCode::UNKNOWN) {
    Fail(absl::StrCat(path, ": ", status.error_code(), " \"",
                      status.error_message(), "\""));
  }
  if (!ValidUtf8(status.error_message()))
    Fail(absl::StrCat(path, ": the status text is not UTF-8"));
  cq.Shutdown();
  void* tag;
  bool ok;
  while (cq.Next(&tag, &ok)) {
  }
  // Inputs that log out, disable, change roles or passwords take the
  // callers' sessions; they get them back for the next input.
  const std::string& name = method->name();
  if (name == "Logout" || name == "RevokeSessions" || name == "UpdateUser" ||
      name == "SetPassword" || name == "SetCard") {
    target->world.RestoreCallers();
  }
  return 0;
}
