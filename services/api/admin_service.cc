// SPDX-License-Identifier: EUPL-1.2
// Admin RPCs: the database backup, streamed to staff.
#include <filesystem>
#include <fstream>

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
  WERKBANK_OPEN_STREAM(stream, actor, ctx, /*cancel_at_once=*/false);
  const std::string path =
      absl::StrCat(domain_.state_dir, "/backups/online-",
                   absl::ToUnixMicros(domain_.clock.Now()), ".db.part");
  std::error_code ec;
  std::filesystem::create_directories(domain_.state_dir + "/backups", ec);
  if (absl::Status s = domain_.store.Backup(path); !s.ok())
    return ToGrpcStatus(s);
  // Streamed from the copy in chunks: a large database never sits in memory.
  const uintmax_t size = std::filesystem::file_size(path, ec);
  std::ifstream in(path, std::ios::binary);
  if (ec || !in) {
    std::filesystem::remove(path, ec);
    return grpc::Status(grpc::StatusCode::INTERNAL,
                        "the backup copy could not be read back");
  }
  (void)domain_.store.Write([&](store::Transaction& tx) {
    return audit::Append(tx,
                         {actor.login, "admin.backup", "database",
                          absl::StrCat(size, " bytes")},
                         domain_.clock.Now())
        .status();
  });
  constexpr size_t kChunk = 1 << 20;
  crypto::Sha256 sha;
  std::string buffer(kChunk, '\0');
  uintmax_t sent = 0;
  do {
    in.read(buffer.data(), static_cast<std::streamsize>(kChunk));
    const size_t n = static_cast<size_t>(in.gcount());
    v1::BackupChunk chunk;
    chunk.set_data(buffer.data(), n);
    sha.Update(chunk.data());
    sent += n;
    if (sent >= size) chunk.set_sha256(sha.FinalHex());
    if (auto s = stream.ended(); !s.ok()) {
      std::filesystem::remove(path, ec);
      return ToGrpcStatus(s);  // the session ended
    }
    if (!writer->Write(chunk)) {
      std::filesystem::remove(path, ec);
      return grpc::Status(grpc::StatusCode::CANCELLED, "client went away");
    }
  } while (sent < size && in);
  std::filesystem::remove(path, ec);
  if (sent != size) {
    return grpc::Status(grpc::StatusCode::INTERNAL,
                        "the backup copy ended early; try again");
  }
  return grpc::Status::OK;
}

}  // namespace werkbank::api
