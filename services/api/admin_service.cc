// Admin RPCs: the database backup, streamed to staff.
#include <filesystem>
#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "rpc_policy.h"
#include "services.h"
#include "services/audit/audit_log.h"
#include "services/common/crypto.h"
#include "status.h"

namespace werkbank::api {

grpc::Status AdminService::Backup(grpc::ServerContext* ctx,
                                  const v1::BackupRequest*,
                                  grpc::ServerWriter<v1::BackupChunk>* writer) {
  WERKBANK_AUTHORIZE(actor, ctx, "Admin/Backup");
  WERKBANK_OPEN_STREAM(stream, actor);
  const std::string path =
      absl::StrCat(domain_.state_dir, "/backups/online-",
                   absl::ToUnixMicros(domain_.clock.Now()), ".db.part");
  std::error_code ec;
  std::filesystem::create_directories(domain_.state_dir + "/backups", ec);
  if (absl::Status s = domain_.store.Backup(path); !s.ok())
    return ToGrpcStatus(s);
  std::ifstream in(path, std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)),
                      std::istreambuf_iterator<char>());
  std::filesystem::remove(path, ec);
  (void)domain_.store.Write([&](store::Transaction& tx) {
    return audit::Append(tx,
                         {actor.login, "admin.backup", "database",
                          absl::StrCat(content.size(), " bytes")},
                         domain_.clock.Now())
        .status();
  });
  constexpr size_t kChunk = 1 << 20;
  for (size_t pos = 0; pos < content.size(); pos += kChunk) {
    v1::BackupChunk chunk;
    chunk.set_data(content.substr(pos, kChunk));
    if (pos + kChunk >= content.size())
      chunk.set_sha256(crypto::Sha256Hex(content));
    if (!writer->Write(chunk))
      return grpc::Status(grpc::StatusCode::CANCELLED, "client went away");
  }
  return grpc::Status::OK;
}

}  // namespace werkbank::api
