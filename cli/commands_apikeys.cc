// SPDX-License-Identifier: EUPL-1.2
// `werkbank apikey create --label L | list [--user LOGIN] | revoke ID`:
// personal API keys for slicers (see proto/werkbank/v1/apikeys.proto).
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cli.h"
#include "werkbank/v1/apikeys.grpc.pb.h"

namespace werkbank::cli {
namespace {

constexpr char kApiKeyUsage[] =
    "usage: werkbank apikey create --label TEXT | apikey list [--user LOGIN] "
    "| apikey revoke ID";

int Create(Cli& cli, v1::ApiKeys::Stub& stub) {
  auto label = cli.args.Option("label");
  int code = kOk;
  if (!cli.Done(code)) return code;
  if (!label) return cli.Usage(kApiKeyUsage);
  v1::CreateApiKeyRequest req;
  req.set_label(*label);
  return cli.Call(&v1::ApiKeys::Stub::CreateApiKey, stub, req,
                  [&](const v1::CreateApiKeyResponse& r) {
                    std::cout
                        << "API key " << r.key().id() << " (\""
                        << r.key().label() << "\"):\n\n  " << r.secret()
                        << "\n\nCopy it now: it is shown only this once.\n"
                           "In the slicer, add a physical printer of type "
                           "OctoPrint with the host\n"
                           "  https://<lab-pc>:<web port>/machines/<machine>/\n"
                           "(e.g. https://lab-pc:8443/machines/printer-1/) and "
                           "this key as its API key.\n";
                    return kOk;
                  });
}

std::string When(Cli& cli, const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "-";
  auto time = cli.Time();
  if (!time.ok()) return absl::FormatTime(FromTimestamp(ts));
  return (*time)->Format(FromTimestamp(ts));
}

int List(Cli& cli, v1::ApiKeys::Stub& stub) {
  v1::ListApiKeysRequest req;
  req.set_login(cli.args.Option("user").value_or(""));
  int code = kOk;
  if (!cli.Done(code)) return code;
  return cli.Call(
      &v1::ApiKeys::Stub::ListApiKeys, stub, req,
      [&](const v1::ListApiKeysResponse& r) {
        Table t({"ID", "LABEL", "KEY", "CREATED", "LAST USED", "REVOKED"});
        for (const auto& k : r.keys()) {
          t.Add({absl::StrCat(k.id()), k.label(), absl::StrCat(k.prefix(), "…"),
                 When(cli, k.created_at()), When(cli, k.last_used_at()),
                 When(cli, k.revoked_at())});
        }
        t.Print();
        return kOk;
      });
}

int Revoke(Cli& cli, v1::ApiKeys::Stub& stub) {
  auto id = cli.args.Next();
  int code = kOk;
  if (!cli.Done(code)) return code;
  int64_t n = 0;
  if (!id || !absl::SimpleAtoi(*id, &n)) return cli.Usage(kApiKeyUsage);
  v1::RevokeApiKeyRequest req;
  req.set_id(n);
  return cli.Call(&v1::ApiKeys::Stub::RevokeApiKey, stub, req,
                  [&](const v1::ApiKey& k) {
                    std::cout << "API key " << k.id() << " (\"" << k.label()
                              << "\") of " << k.owner_login()
                              << " is revoked; a slicer using it is refused\n";
                    return kOk;
                  });
}

}  // namespace

int CmdApiKey(Cli& cli) {
  auto verb = cli.args.Next();
  auto stub = v1::ApiKeys::NewStub(cli.conn.channel());
  if (verb == "create") return Create(cli, *stub);
  if (verb == "list") return List(cli, *stub);
  if (verb == "revoke") return Revoke(cli, *stub);
  return cli.Usage(kApiKeyUsage);
}

}  // namespace werkbank::cli
