// SPDX-License-Identifier: EUPL-1.2
// An upload's body into its call; see upload_pump.h.
#include "upload_pump.h"

#include <limits>
#include <utility>

#include "upload_request.h"

namespace werkbank::web {
namespace {

constexpr size_t kChunk = 64 * 1024;

}  // namespace

UploadPump::UploadPump(
    boost::beast::http::request_parser<boost::beast::http::empty_body>&& header,
    std::optional<octoprint::FormDataParser> form)
    : body_(std::move(header)), form_(std::move(form)), chunk_(kChunk, '\0') {
  // The called service enforces the upload limit on the streamed bytes (a
  // chunked body has no length to check before).
  body_.body_limit(std::numeric_limits<std::uint64_t>::max());
}

UploadPump::Step UploadPump::Next(ForwardedCall* call) {
  if (writing_ || finished_) return Step::kWait;
  if (call != nullptr && !pending_.empty()) {
    file_bytes_ += static_cast<int64_t>(pending_.size());
    writing_ = true;
    const std::string wire = UploadChunk(pending_.data(), pending_.size());
    pending_.clear();
    call->Write(wire);
    return Step::kWait;
  }
  if (call == nullptr && (!form_ || form_->file_started())) return Step::kOpen;
  if (!body_.is_done()) return Step::kRead;
  if (form_) {
    if (auto s = form_->Finish(); !s.ok()) return Refuse(std::move(s));
  }
  if (call == nullptr) {
    return Refuse(absl::InvalidArgumentError(
        "the form has no file (a part named \"file\")"));
  }
  finished_ = true;
  call->WritesDone();
  return Step::kFinished;
}

void UploadPump::Open(ForwardedCall& call, const std::string& header_wire) {
  writing_ = true;
  call.Write(header_wire);
}

void UploadPump::BeginRead() {
  body_.get().body().data = chunk_.data();
  body_.get().body().size = chunk_.size();
  read_pending_ = true;
}

absl::Status UploadPump::Take() {
  const size_t n = chunk_.size() - body_.get().body().size;
  const absl::string_view bytes(chunk_.data(), n);
  if (form_) return form_->Feed(bytes, &pending_);
  pending_.append(bytes.data(), bytes.size());
  return absl::OkStatus();
}

UploadPump::Step UploadPump::Refuse(absl::Status why) {
  refusal_ = std::move(why);
  finished_ = true;
  return Step::kRefused;
}

}  // namespace werkbank::web
