// SPDX-License-Identifier: EUPL-1.2
// `werkbank user export [LOGIN]` (everything stored about a person, as JSON)
// and `werkbank user anonymise LOGIN` (staff).
#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <iostream>

#include "cli.h"
#include "werkbank/v1/privacy.grpc.pb.h"

namespace werkbank::cli {

int UserExport(Cli& cli) {
  v1::ExportMyDataRequest req;
  if (auto login = cli.args.Next()) req.set_login(*login);
  auto output = cli.args.Option("output");
  int code = kOk;
  if (!cli.Done(code)) return code;
  auto stub = v1::Privacy::NewStub(cli.conn.channel());
  v1::PersonalData data;
  auto ctx = cli.conn.Context();
  grpc::Status status = stub->ExportMyData(ctx.get(), req, &data);
  if (!status.ok()) return cli.Fail(status);
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(data, &json, options);
  if (!output) {
    std::cout << json;
    return kOk;
  }
  std::ofstream file(*output, std::ios::binary | std::ios::trunc);
  file << json;
  if (!file.good()) {
    return cli.Fail(absl::UnavailableError("cannot write " + *output));
  }
  std::cout << "everything stored about " << data.user().login()
            << " written to " << *output << "\n";
  return kOk;
}

int UserAnonymise(Cli& cli) {
  v1::AnonymiseUserRequest req;
  auto login = cli.args.Next();
  req.set_reason(cli.args.Option("reason").value_or(""));
  int code = kOk;
  if (!cli.Done(code)) return code;
  if (!login) {
    return cli.Usage("usage: werkbank user anonymise LOGIN [--reason TEXT]");
  }
  req.set_login(*login);
  auto stub = v1::Privacy::NewStub(cli.conn.channel());
  return cli.Call(&v1::Privacy::Stub::AnonymiseUser, *stub, req,
                  [&](const v1::AnonymiseUserResponse& r) {
                    std::cout << *login << " is anonymised (now user#"
                              << r.user_id() << "); "
                              << r.audit_events_redacted()
                              << " audit events no longer name them\n";
                    return kOk;
                  });
}

}  // namespace werkbank::cli
