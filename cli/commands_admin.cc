// `werkbank admin backup FILE`
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
  std::string content, expected;
  v1::BackupChunk chunk;
  while (reader->Read(&chunk)) {
    content += chunk.data();
    if (!chunk.sha256().empty()) expected = chunk.sha256();
  }
  grpc::Status s = reader->Finish();
  if (!s.ok()) return cli.Fail(s);
  if (expected.empty() || crypto::Sha256Hex(content) != expected) {
    return cli.Fail(
        absl::DataLossError("the backup arrived damaged; nothing was written"));
  }
  const std::string tmp = *path + ".part";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out.flush())
      return cli.Fail(absl::PermissionDeniedError("cannot write " + tmp));
  }
  std::rename(tmp.c_str(), path->c_str());
  if (!cli.json) {
    std::cout << "backup of " << content.size() << " bytes written to " << *path
              << " (SHA-256 " << expected.substr(0, 16) << "…)\n";
  }
  return kOk;
}

}  // namespace werkbank::cli
