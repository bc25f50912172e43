// SPDX-License-Identifier: EUPL-1.2
// `werkbank admin backup FILE`
#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli.h"
#include "services/common/crypto.h"
#include "werkbank/v1/admin.grpc.pb.h"

namespace werkbank::cli {

int CmdAdmin(Cli& cli) {
  auto verb = cli.args.Next();
  auto path = cli.args.Next();
  int code = kOk;
  if (!cli.Done(code)) return code;
  if (!verb || *verb != "backup" || !path)
    return cli.Usage("usage: werkbank admin backup FILE");
  auto stub = v1::Admin::NewStub(cli.conn.channel());
  auto ctx = cli.conn.Context();
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::minutes(10));
  auto reader = stub->Backup(ctx.get(), v1::BackupRequest());
  // Written to FILE.part as it arrives and renamed only once it is whole.
  const std::string tmp = *path + ".part";
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  if (!out) return cli.Fail(absl::PermissionDeniedError("cannot write " + tmp));
  crypto::Sha256 sha;
  std::string expected;
  uintmax_t size = 0;
  v1::BackupChunk chunk;
  while (reader->Read(&chunk)) {
    out << chunk.data();
    sha.Update(chunk.data());
    size += chunk.data().size();
    if (!chunk.sha256().empty()) expected = chunk.sha256();
  }
  grpc::Status s = reader->Finish();
  const bool written = static_cast<bool>(out.flush());
  out.close();
  if (!s.ok()) {
    std::remove(tmp.c_str());
    return cli.Fail(s);
  }
  if (!written) {
    std::remove(tmp.c_str());
    return cli.Fail(absl::PermissionDeniedError("cannot write " + tmp));
  }
  if (expected.empty() || sha.FinalHex() != expected) {
    std::remove(tmp.c_str());
    return cli.Fail(
        absl::DataLossError("the backup arrived damaged; nothing was written"));
  }
  std::rename(tmp.c_str(), path->c_str());
  if (!cli.json) {
    std::cout << "backup of " << size << " bytes written to " << *path
              << " (SHA-256 " << expected.substr(0, 16) << "…)\n";
  }
  return kOk;
}

}  // namespace werkbank::cli
