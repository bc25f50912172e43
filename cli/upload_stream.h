// SPDX-License-Identifier: EUPL-1.2
// Uploading a file over a client-streamed call, as `werkbank job upload` and
// `werkbank service submit` do: the header message first, then the file in
// chunks, each message's field 2 (`chunk`), then the end of the stream.
#ifndef WERKBANK_CLI_UPLOAD_STREAM_H_
#define WERKBANK_CLI_UPLOAD_STREAM_H_

#include <grpcpp/support/status.h>
#include <grpcpp/support/sync_stream.h>

#include <fstream>
#include <functional>
#include <istream>
#include <string>

#include "absl/status/statusor.h"

namespace werkbank::cli {

// The file at `path`, open for reading; NOT_FOUND naming it when it cannot
// be read.
absl::StatusOr<std::ifstream> OpenUpload(const std::string& path);

// The file's name as the server is told it: without its folders.
std::string UploadName(const std::string& path);

// Hands `write` the bytes of `in` in chunks (256 KiB at the most) until the
// file ends or `write` returns false (the server ended the call).
void ForEachChunk(std::istream& in,
                  const std::function<bool(std::string chunk)>& write);

// Sends `header`, then `in` in chunks, then the end of the stream; the
// call's status (what the server said of the upload).
template <class Request>
grpc::Status StreamUpload(grpc::ClientWriterInterface<Request>& writer,
                          const Request& header, std::istream& in) {
  writer.Write(header);
  ForEachChunk(in, [&writer](std::string chunk) {
    Request part;
    part.set_chunk(std::move(chunk));
    return writer.Write(part);
  });
  writer.WritesDone();
  return writer.Finish();
}

}  // namespace werkbank::cli

#endif  // WERKBANK_CLI_UPLOAD_STREAM_H_
