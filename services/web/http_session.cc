// SPDX-License-Identifier: EUPL-1.2
// One HTTP/1.1 connection: reads a request's headers, routes it (static
// file, Connect unary call, Connect server stream, upload) and answers,
// keeping the connection for the next request where HTTP allows. Every
// operation runs on the listener's one thread; forwarded calls report from
// gRPC's threads by posting here. See web_context.h.
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <deque>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "connect_codec.h"
#include "http_headers.h"
#include "json_messages.h"
#include "octoprint/exchange.h"
#include "octoprint/form_data_parser.h"
#include "session_cookie.h"
#include "static_files.h"
#include "upload_pump.h"
#include "upload_request.h"
#include "web_context.h"
#include "werkbank/v1/jobs.pb.h"

namespace werkbank::web {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

constexpr uint32_t kHeaderLimit = 16 * 1024;
constexpr size_t kDrainChunk = 64 * 1024;
// Snapshots queued for a browser that reads too slowly; past this the
// stream ends rather than the queue growing.
constexpr size_t kMaxQueuedMessages = 256;
constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr auto kDrainTime = std::chrono::seconds(5);
constexpr uint64_t kMaxDrainBytes = 256 << 20;
constexpr char kLoginPath[] = "/werkbank.v1.Accounts/Login";
constexpr char kLogoutPath[] = "/werkbank.v1.Accounts/Logout";

std::string Str(beast::string_view s) {
  return std::string(s.data(), s.size());
}

std::chrono::steady_clock::duration Chrono(absl::Duration d) {
  return absl::ToChronoMilliseconds(d);
}

template <class Stream>
class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  template <class... Args>
  HttpSession(WebContext& ctx, Args&&... args)
      : ctx_(ctx), stream_(std::forward<Args>(args)...) {
    ++ctx_.connections;
  }
  ~HttpSession() {
    if (call_) call_->Cancel();
    --ctx_.connections;
  }

  void Run() {
    if constexpr (kTls) {
      Lowest().expires_after(Chrono(ctx_.options.header_timeout));
      stream_.async_handshake(
          net::ssl::stream_base::server,
          [self = this->shared_from_this()](beast::error_code ec) {
            if (!ec) self->ReadHeader();
          });
    } else {
      ReadHeader();
    }
  }

 private:
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }
  std::shared_ptr<HttpSession> Self() { return this->shared_from_this(); }

  // ---- Reading a request -------------------------------------------------

  void ReadHeader() {
    header_.emplace();
    header_->header_limit(kHeaderLimit);
    // Body limits depend on the route; they are checked once it is known.
    // (Beast 1.74 takes an unset limit as 0 for a Content-Length body.)
    header_->body_limit(std::numeric_limits<std::uint64_t>::max());
    Lowest().expires_after(Chrono(first_request_ ? ctx_.options.header_timeout
                                                 : ctx_.options.idle_timeout));
    first_request_ = false;
    http::async_read_header(
        stream_, buffer_, *header_,
        [self = Self()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec == http::error::header_limit) {
      keep_alive_ = false;
      return SendText(http::status::request_header_fields_too_large,
                      "the request headers are larger than 16 KiB");
    }
    if (ec) return Close();
    const auto& req = header_->get();
    keep_alive_ = req.keep_alive();
    path_ = Str(req.target());
    path_ = path_.substr(0, path_.find('?'));

    // Slicers (OctoPrint's API under each machine's base URL) authenticate
    // with a key instead of the session cookie and send no Connect header.
    // A request with a key anywhere under /machines/ is a slicer's too, so
    // that a wrong address gets the slicer a sentence and not the app.
    if (octoprint::IsOctoPrintTarget(path_) ||
        (absl::StartsWith(path_, octoprint::kPrefix) &&
         req.find("X-Api-Key") != req.end())) {
      return StartOctoPrint();
    }
    if (req.method() == http::verb::get) {
      if (IsApiPath(path_) || absl::StartsWith(path_, "/upload/")) {
        return RefuseBeforeBody(
            grpc::StatusCode::INVALID_ARGUMENT,
            http::status::method_not_allowed,
            "the API takes POST only (GET must not change anything)");
      }
      return ServeStatic();
    }
    if (req.method() != http::verb::post) {
      return RefuseBeforeBody(grpc::StatusCode::INVALID_ARGUMENT,
                              http::status::method_not_allowed,
                              "only GET (the web app) and POST (the API) are "
                              "served");
    }
    // CSRF: a cross-site form cannot set this header; connect-web always does.
    if (!HasConnectProtocolHeader(Str(req["Connect-Protocol-Version"]))) {
      return RefuseBeforeBody(
          grpc::StatusCode::INVALID_ARGUMENT, http::status::bad_request,
          "a POST needs the header \"Connect-Protocol-Version: 1\"");
    }
    if (const UploadKind* kind = FindUpload(path_)) return StartUpload(*kind);
    method_ = FindApiMethod(path_);
    if (!method_) {
      return RefuseBeforeBody(grpc::StatusCode::NOT_FOUND,
                              http::status::not_found,
                              absl::StrCat("no such method: ", path_));
    }
    if (method_->client_streaming()) {
      return RefuseBeforeBody(
          grpc::StatusCode::UNIMPLEMENTED, http::status::not_implemented,
          absl::StrCat(path_,
                       " streams its request; upload with POST "
                       "/upload/job?machine_id=…&file_name=… or "
                       "/upload/service-request?machine_class=…&file_name=… "
                       "instead"));
    }
    const std::string type =
        absl::AsciiStrToLower(Str(req[http::field::content_type]));
    const std::string want = method_->server_streaming()
                                 ? "application/connect+json"
                                 : "application/json";
    if (type != want && !absl::StartsWith(type, want + ";")) {
      return RefuseBeforeBody(grpc::StatusCode::INVALID_ARGUMENT,
                              http::status::unsupported_media_type,
                              absl::StrCat("Content-Type must be ", want,
                                           " (JSON only), not \"", type, "\""));
    }
    if (auto length = header_->content_length();
        length &&
        *length > static_cast<uint64_t>(ctx_.options.max_request_bytes)) {
      return RefuseBeforeBody(
          grpc::StatusCode::RESOURCE_EXHAUSTED, http::status::payload_too_large,
          absl::StrCat("the request body is larger than ",
                       ctx_.options.max_request_bytes, " bytes"));
    }
    ReadBody();
  }

  void ReadBody() {
    body_.emplace(std::move(*header_));
    // Counts a chunked body's bytes (a length was checked in OnHeader).
    body_->body_limit(static_cast<uint64_t>(ctx_.options.max_request_bytes));
    Lowest().expires_after(Chrono(ctx_.options.header_timeout));
    http::async_read(
        stream_, buffer_, *body_,
        [self = Self()](beast::error_code ec, size_t) { self->OnBody(ec); });
  }

  void OnBody(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      keep_alive_ = false;
      drain_ = true;
      return SendError(grpc::StatusCode::RESOURCE_EXHAUSTED,
                       absl::StrCat("the request body is larger than ",
                                    ctx_.options.max_request_bytes, " bytes"));
    }
    if (ec) return Close();
    std::string body = std::move(body_->get().body());
    const auto& req = body_->get();
    token_ = SessionToken(Str(req[http::field::authorization]),
                          Str(req[http::field::cookie]));
    if (method_->server_streaming()) return StartStream(body);
    StartUnary(body);
  }

  // ---- Unary calls -------------------------------------------------------

  void StartUnary(const std::string& json) {
    auto wire = JsonToWire(method_->descriptor->input_type(), json);
    if (!wire.ok()) {
      return SendError(grpc::StatusCode::INVALID_ARGUMENT,
                       std::string(wire.status().message()));
    }
    response_wire_.reset();
    call_ = ctx_.forwarder->Start(path_, token_, Handlers(), *wire);
    if (!call_) return Unavailable();
  }

  CallHandlers Handlers() {
    auto self = Self();
    auto exec = stream_.get_executor();
    CallHandlers h;
    h.on_message = [self, exec](std::string wire) {
      net::post(exec, [self, wire = std::move(wire)]() mutable {
        self->OnCallMessage(std::move(wire));
      });
    };
    h.on_write_done = [self, exec](bool ok) {
      net::post(exec, [self, ok] { self->OnUploadWritten(ok); });
    };
    h.on_done = [self, exec](grpc::Status status) {
      net::post(exec, [self, status = std::move(status)] {
        self->OnCallDone(status);
      });
    };
    return h;
  }

  void OnCallMessage(std::string wire) {
    if (streaming_) return QueueStreamMessage(wire);
    response_wire_ = std::move(wire);
  }

  void OnCallDone(const grpc::Status& status) {
    call_.reset();
    if (upload_call_) {
      upload_call_ = false;
      // A refused upload cancelled its call and has answered already.
      if (!uploading_) return;
      EndUpload();
      if (octo_upload_) return OctoUploadDone(status);
      return AnswerCall(status);
    }
    if (streaming_) return EndStream(status);
    AnswerCall(status);
  }

  void AnswerCall(const grpc::Status& status) {
    if (!status.ok()) {
      return SendError(status.error_code(), status.error_message());
    }
    const auto* out =
        method_ ? method_->descriptor->output_type() : upload_response_;
    auto message = ParseWire(out, response_wire_.value_or(""));
    if (!message.ok()) {
      return SendError(grpc::StatusCode::INTERNAL,
                       std::string(message.status().message()));
    }
    std::string cookie;
    if (path_ == kLoginPath) {
      // The token goes into an HttpOnly cookie, out of reach of the page's
      // scripts; the body keeps the rest (expiry, who logged in).
      const auto* field = (*message)->GetDescriptor()->FindFieldByName("token");
      const auto* refl = (*message)->GetReflection();
      cookie = SetSessionCookie(refl->GetString(**message, field), kTls);
      refl->SetString(message->get(), field, "");
    } else if (path_ == kLogoutPath) {
      cookie = ClearSessionCookie(kTls);
    }
    auto res = NewResponse<http::string_body>(http::status::ok);
    res->set(http::field::content_type, "application/json");
    if (!cookie.empty()) res->set(http::field::set_cookie, cookie);
    res->body() = ToJson(**message);
    Send(res);
  }

  // ---- Server streams ----------------------------------------------------

  void StartStream(const std::string& body) {
    auto payload = SingleEnvelopePayload(body);
    if (!payload.ok()) {
      return SendStreamError(grpc::StatusCode::INVALID_ARGUMENT,
                             std::string(payload.status().message()));
    }
    auto wire = JsonToWire(method_->descriptor->input_type(), *payload);
    if (!wire.ok()) {
      return SendStreamError(grpc::StatusCode::INVALID_ARGUMENT,
                             std::string(wire.status().message()));
    }
    if (ctx_.streams >= ctx_.options.max_streams) {
      return SendStreamError(
          grpc::StatusCode::RESOURCE_EXHAUSTED,
          absl::StrCat("the web server holds ", ctx_.options.max_streams,
                       " live streams already; close a live view and retry"));
    }
    call_ = ctx_.forwarder->Start(path_, token_, Handlers(), *wire);
    if (!call_) return Unavailable();
    ++ctx_.streams;
    streaming_ = true;
    keep_alive_ = false;  // the connection ends with the stream
    stream_res_.emplace(http::status::ok, 11);
    AddCommonHeaders(*stream_res_);
    stream_res_->set(http::field::content_type, "application/connect+json");
    stream_res_->chunked(true);
    stream_res_->keep_alive(false);
    stream_sr_.emplace(*stream_res_);
    writing_ = true;
    Lowest().expires_after(kWriteTimeout);
    http::async_write_header(stream_, *stream_sr_,
                             [self = Self()](beast::error_code ec, size_t) {
                               self->OnStreamWritten(ec);
                             });
    WatchForClose();
  }

  // A stream's request is complete; a read that ends means the client left,
  // and the forwarded call is cancelled at once.
  void WatchForClose() {
    stream_.async_read_some(net::buffer(probe_),
                            [self = Self()](beast::error_code ec, size_t) {
                              if (!ec) return self->WatchForClose();
                              if (self->call_) self->call_->Cancel();
                            });
  }

  void QueueStreamMessage(const std::string& wire) {
    auto message = ParseWire(method_->descriptor->output_type(), wire);
    if (!message.ok()) return;
    if (outbox_.size() >= kMaxQueuedMessages) {
      if (call_) call_->Cancel();
      return;
    }
    outbox_.push_back(Envelope(0, ToJson(**message)));
    Pump();
  }

  void EndStream(const grpc::Status& status) {
    --ctx_.streams;
    stream_status_ = status;
    Pump();
  }

  void Pump() {
    if (writing_ || closed_) return;
    if (!outbox_.empty()) {
      current_ = std::move(outbox_.front());
      outbox_.pop_front();
      writing_ = true;
      Lowest().expires_after(kWriteTimeout);
      net::async_write(stream_, http::make_chunk(net::buffer(current_)),
                       [self = Self()](beast::error_code ec, size_t) {
                         self->OnStreamWritten(ec);
                       });
      return;
    }
    if (!stream_status_) return;
    current_ = Envelope(kEnvelopeEndStream, EndStreamJson(*stream_status_));
    writing_ = true;
    Lowest().expires_after(kWriteTimeout);
    net::async_write(stream_, http::make_chunk(net::buffer(current_)),
                     [self = Self()](beast::error_code ec, size_t) {
                       if (ec) return self->Close();
                       net::async_write(self->stream_, http::make_chunk_last(),
                                        [self](beast::error_code, size_t) {
                                          self->Close();
                                        });
                     });
  }

  void OnStreamWritten(beast::error_code ec) {
    writing_ = false;
    if (ec) {
      if (call_) call_->Cancel();
      return Close();
    }
    Lowest().expires_never();
    Pump();
  }

  // ---- Uploads -----------------------------------------------------------

  void StartUpload(const UploadKind& kind) {
    const auto& req = header_->get();
    token_ = SessionToken(Str(req[http::field::authorization]),
                          Str(req[http::field::cookie]));
    auto header = UploadHeaderFromQuery(kind, Str(req.target()));
    if (!header.ok()) {
      return RefuseBeforeBody(grpc::StatusCode::INVALID_ARGUMENT,
                              http::status::bad_request,
                              std::string(header.status().message()));
    }
    if (auto length = header_->content_length();
        length &&
        *length > static_cast<uint64_t>(ctx_.options.max_upload_bytes)) {
      return RefuseBeforeBody(
          grpc::StatusCode::RESOURCE_EXHAUSTED, http::status::payload_too_large,
          absl::StrCat("the file has ", *length,
                       " bytes; the lab takes uploads of at most ",
                       ctx_.options.max_upload_bytes, " bytes"));
    }
    if (ctx_.streams >= ctx_.options.max_streams) {
      return RefuseBeforeBody(
          grpc::StatusCode::RESOURCE_EXHAUSTED, http::status::too_many_requests,
          absl::StrCat("the web server holds ", ctx_.options.max_streams,
                       " streams and uploads already; retry in a moment"));
    }
    method_.reset();
    path_ = kind.rpc;
    upload_response_ = kind.response;
    response_wire_.reset();
    call_ = ctx_.forwarder->Start(path_, token_, Handlers(), std::nullopt);
    if (!call_) return Unavailable();
    BeginUpload(std::nullopt);
    upload_call_ = true;
    upload_->Open(*call_, *header);
  }

  // Both kinds of upload (Connect's and OctoPrint's) from here on: the
  // pump (upload_pump.h) decides, the session reads and answers.
  void BeginUpload(std::optional<octoprint::FormDataParser> form) {
    ++ctx_.streams;
    uploading_ = true;
    octo_upload_ = form.has_value();
    upload_.emplace(std::move(*header_), std::move(form));
  }

  void PumpUpload() {
    switch (upload_->Next(call_.get())) {
      case UploadPump::Step::kWait:
      case UploadPump::Step::kFinished:  // OnCallDone follows
        return;
      case UploadPump::Step::kRead:
        return ReadUpload();
      case UploadPump::Step::kOpen:
        return OpenOctoUpload();
      case UploadPump::Step::kRefused:
        return RefuseUpload(upload_->refusal());
    }
  }

  void ReadUpload() {
    upload_->BeginRead();
    Lowest().expires_after(Chrono(ctx_.options.upload_idle));
    http::async_read(stream_, buffer_, upload_->body(),
                     [self = Self()](beast::error_code ec, size_t) {
                       self->OnUploadRead(ec);
                     });
  }

  void OnUploadRead(beast::error_code ec) {
    upload_->EndRead();
    if (!uploading_) {
      // Answered while this read waited: drop the rest of the body.
      if (ec && ec != http::error::need_buffer) return Close();
      draining_ = true;
      Lowest().expires_after(kDrainTime);
      drain_buf_.resize(kDrainChunk);
      return DrainMore();
    }
    if (ec == http::error::need_buffer) ec = {};
    if (ec) {
      // The client left or sent nothing for upload_idle_seconds.
      if (call_) call_->Cancel();
      return Close();
    }
    if (auto s = upload_->Take(); !s.ok()) return RefuseUpload(s);
    PumpUpload();
  }

  void OnUploadWritten(bool ok) {
    if (!uploading_ || !call_) return;
    // The call ended: no more writes, and OnCallDone follows with why.
    if (!ok) return call_->StopWriting();
    upload_->Written();
    PumpUpload();
  }

  // The upload ends (answered or refused): a refused upload leaves body
  // bytes unread, and the connection closes once they are drained (by the
  // body read still waiting, if any).
  void EndUpload() {
    uploading_ = false;
    --ctx_.streams;
    if (!upload_->body_done()) {
      keep_alive_ = false;
      drain_ = !upload_->read_pending();
    }
  }

  // The upload ends without a job: its call (if any) is cancelled and the
  // rest of the body dropped.
  void RefuseUpload(const absl::Status& why) {
    if (call_) {
      call_->Cancel();
      keep_alive_ = false;  // its end is still to come: no next request
    }
    EndUpload();
    if (!octo_upload_) {
      return SendError(static_cast<grpc::StatusCode>(why.code()),
                       std::string(why.message()));
    }
    OctoSend(absl::IsUnavailable(why)
                 ? octoprint::Sentence(503, why.message())
                 : octoprint::Sentence(
                       400, absl::StrCat("not uploaded: ", why.message())));
  }

  // ---- The OctoPrint surface (octoprint/) --------------------------------

  octoprint::Context OctoContext() {
    auto self = Self();
    auto exec = stream_.get_executor();
    octoprint::Context c;
    c.forwarder = ctx_.forwarder;
    c.post = [self, exec](std::function<void()> f) {
      net::post(exec, [self, f = std::move(f)] { f(); });
    };
    c.now = ctx_.options.now;
    return c;
  }

  // Where the upload came to, for the Location of what it created.
  std::string UploadOrigin() const {
    return absl::StrCat(kTls ? "https://" : "http://",
                        Str(upload_->body().get()[http::field::host]));
  }

  void StartOctoPrint() {
    const auto& req = header_->get();
    auto route = octoprint::ParseRoute(Str(req.target()));
    if (!route) {
      return OctoRefuseBeforeBody(octoprint::Sentence(
          404,
          "name the machine: each machine's address for the slicer is "
          "https://HOST:PORT/machines/<machine-id>/"));
    }
    std::string key = Str(req["X-Api-Key"]);
    if (key.empty()) key = route->query_key;
    if (!octoprint::PlausibleKey(key)) {
      return OctoRefuseBeforeBody(octoprint::Sentence(
          403,
          "this address needs your werkbank API key: create one in the "
          "web app under \"API keys\" (or `werkbank apikey create`) and "
          "enter it as the slicer's API key"));
    }
    octo_route_ = std::move(*route);
    octo_key_ = std::move(key);
    const bool post = req.method() == http::verb::post;
    if (!post && req.method() != http::verb::get) {
      return OctoRefuseBeforeBody(octoprint::Sentence(
          405, "the slicer's OctoPrint API here takes GET and POST only"));
    }
    if (post && octo_route_.api == "api/files/local") return StartOctoUpload();
    if (post) {
      // A small JSON body (api/login); read whole, bounded.
      body_.emplace(std::move(*header_));
      body_->body_limit(static_cast<uint64_t>(ctx_.options.max_request_bytes));
      Lowest().expires_after(Chrono(ctx_.options.header_timeout));
      return http::async_read(stream_, buffer_, *body_,
                              [self = Self()](beast::error_code ec, size_t) {
                                if (ec == http::error::body_limit) {
                                  self->keep_alive_ = false;
                                  self->drain_ = true;
                                  return self->OctoSend(octoprint::Sentence(
                                      413, "the request body is too large"));
                                }
                                if (ec) return self->Close();
                                self->OctoServe(true);
                              });
    }
    if (!header_->is_done()) {
      keep_alive_ = false;
      drain_ = true;
    }
    OctoServe(false);
  }

  void OctoServe(bool post) {
    octoprint::Serve(
        OctoContext(), octo_route_, post, octo_key_,
        [self = Self()](octoprint::Answer a) { self->OctoSend(std::move(a)); });
  }

  void StartOctoUpload() {
    const auto& req = header_->get();
    auto boundary =
        octoprint::BoundaryFromContentType(Str(req[http::field::content_type]));
    if (!boundary.ok()) {
      return OctoRefuseBeforeBody(
          octoprint::Sentence(400, boundary.status().message()));
    }
    // The form around the file adds a little to it.
    const uint64_t limit =
        static_cast<uint64_t>(ctx_.options.max_upload_bytes) + (64 << 10);
    if (auto length = header_->content_length(); length && *length > limit) {
      return OctoRefuseBeforeBody(octoprint::Sentence(
          413, absl::StrCat("not uploaded: the file is larger than the lab's "
                            "upload limit of ",
                            ctx_.options.max_upload_bytes / (1 << 20), " MiB (",
                            ctx_.options.max_upload_bytes, " bytes)")));
    }
    if (ctx_.streams >= ctx_.options.max_streams) {
      return OctoRefuseBeforeBody(octoprint::Sentence(
          429,
          "werkbankd takes many uploads at the moment; send it again in "
          "a moment"));
    }
    method_.reset();
    response_wire_.reset();
    BeginUpload(octoprint::FormDataParser(*boundary));
    PumpUpload();
  }

  // The form's file part began: its name opens the upload of the job.
  void OpenOctoUpload() {
    path_ = "/werkbank.v1.Jobs/UploadJob";
    call_ = ctx_.forwarder->Start(path_, octo_key_, Handlers(), std::nullopt);
    if (!call_) {
      return RefuseUpload(absl::UnavailableError("werkbankd is stopping"));
    }
    upload_call_ = true;
    const std::string& name = upload_->form()->file_name();
    v1::UploadJobRequest header;
    header.mutable_header()->set_machine_id(octo_route_.machine_id);
    header.mutable_header()->set_file_name(name.empty() ? "upload.gcode"
                                                        : name);
    upload_->Open(*call_, header.SerializeAsString());
  }

  void OctoUploadDone(const grpc::Status& status) {
    octoprint::Upload u;
    u.status = status;
    u.job_wire = response_wire_.value_or("");
    u.file_bytes = upload_->file_bytes();
    u.max_upload_bytes = ctx_.options.max_upload_bytes;
    u.fields = upload_->form()->fields();
    u.file_name = upload_->form()->file_name();
    u.origin = UploadOrigin();
    octoprint::AfterUpload(
        OctoContext(), octo_route_, octo_key_, std::move(u),
        [self = Self()](octoprint::Answer a) { self->OctoSend(std::move(a)); });
  }

  void OctoSend(octoprint::Answer a) {
    auto res =
        NewResponse<http::string_body>(static_cast<http::status>(a.status));
    res->set(http::field::content_type, a.content_type);
    res->set(http::field::cache_control, "no-store");
    if (!a.location.empty()) res->set(http::field::location, a.location);
    res->body() = std::move(a.body);
    Send(res);
  }

  void OctoRefuseBeforeBody(octoprint::Answer a) {
    keep_alive_ = false;
    drain_ = !header_->is_done();
    OctoSend(std::move(a));
  }

  // ---- Static files ------------------------------------------------------

  void ServeStatic() {
    const auto& req = header_->get();
    auto file = ResolveStaticFile(ctx_.options.app_dir, Str(req.target()));
    if (!file.ok()) {
      return SendText(absl::IsInvalidArgument(file.status())
                          ? http::status::bad_request
                          : http::status::not_found,
                      std::string(file.status().message()));
    }
    std::string path = file->path;
    std::optional<std::string> gz;
    if (AcceptsGzip(Str(req[http::field::accept_encoding]))) {
      gz = GzipSibling(ctx_.options.app_dir, path);
    }
    auto res = NewResponse<http::file_body>(http::status::ok);
    beast::error_code ec;
    res->body().open(gz ? gz->c_str() : path.c_str(), beast::file_mode::scan,
                     ec);
    if (ec) return SendText(http::status::not_found, "no such file");
    res->set(http::field::content_type, file->content_type);
    res->set(http::field::cache_control, file->cache_control);
    res->set(http::field::vary, "Accept-Encoding");
    if (gz) res->set(http::field::content_encoding, "gzip");
    Send(res);
  }

  // ---- Answers -----------------------------------------------------------

  template <class Body>
  std::shared_ptr<http::response<Body>> NewResponse(http::status status) {
    auto res = std::make_shared<http::response<Body>>(status, 11);
    AddCommonHeaders(*res);
    return res;
  }

  template <class Fields>
  void AddCommonHeaders(Fields& res) {
    SetSecurityHeaders(res, kTls);
    res.set(http::field::server, "werkbankd");
  }

  template <class Body>
  void Send(std::shared_ptr<http::response<Body>> res) {
    res->keep_alive(keep_alive_);
    res->prepare_payload();
    Lowest().expires_after(kWriteTimeout);
    http::async_write(stream_, *res,
                      [self = Self(), res](beast::error_code ec, size_t) {
                        if (!ec && self->drain_) return self->Drain();
                        if (self->draining_ || self->UploadReadPending()) {
                          return;  // the reader closes
                        }
                        if (ec || !self->keep_alive_) return self->Close();
                        self->ReadHeader();
                      });
  }

  void SendError(grpc::StatusCode code, const std::string& message) {
    auto res = NewResponse<http::string_body>(
        static_cast<http::status>(ConnectHttpStatus(code)));
    res->set(http::field::content_type, "application/json");
    res->body() = ErrorJson(code, message);
    Send(res);
  }

  // A stream's error before it started: one end-stream envelope (Connect
  // streams report errors there, with HTTP 200).
  void SendStreamError(grpc::StatusCode code, const std::string& message) {
    auto res = NewResponse<http::string_body>(http::status::ok);
    res->set(http::field::content_type, "application/connect+json");
    res->body() = Envelope(kEnvelopeEndStream,
                           EndStreamJson(grpc::Status(code, message)));
    Send(res);
  }

  void SendText(http::status status, const std::string& message) {
    auto res = NewResponse<http::string_body>(status);
    res->set(http::field::content_type, "text/plain; charset=utf-8");
    res->set(http::field::cache_control, "no-store");
    res->body() = message + "\n";
    Send(res);
  }

  // An error before the body was read: the unread body would be taken for
  // the next request, so the connection closes after the answer.
  void RefuseBeforeBody(grpc::StatusCode code, http::status status,
                        const std::string& message) {
    keep_alive_ = false;
    drain_ = !header_->is_done();
    auto res = NewResponse<http::string_body>(status);
    res->set(http::field::content_type, "application/json");
    res->body() = ErrorJson(code, message);
    Send(res);
  }

  void Unavailable() {
    keep_alive_ = false;
    SendError(grpc::StatusCode::UNAVAILABLE, "werkbankd is stopping");
  }

  // After refusing a request whose body is still coming: a client that
  // writes its whole request before reading would otherwise meet a reset
  // connection instead of the answer. Reads and drops the rest, in bounded
  // time and memory, then closes.
  void Drain() {
    drain_ = false;
    draining_ = true;
    Lowest().expires_after(kDrainTime);
    drain_buf_.resize(kDrainChunk);
    DrainMore();
  }

  void DrainMore() {
    stream_.async_read_some(net::buffer(drain_buf_),
                            [self = Self()](beast::error_code ec, size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > kMaxDrainBytes) {
                                return self->Close();
                              }
                              self->DrainMore();
                            });
  }

  bool UploadReadPending() const { return upload_ && upload_->read_pending(); }

  void Close() {
    if (closed_) return;
    closed_ = true;
    if (call_) call_->Cancel();
    Lowest().expires_after(std::chrono::seconds(2));
    if constexpr (kTls) {
      stream_.async_shutdown([self = Self()](beast::error_code) {
        beast::error_code ignored;
        self->Lowest().socket().close(ignored);
      });
    } else {
      beast::error_code ignored;
      Lowest().socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
      Lowest().socket().close(ignored);
    }
  }

  WebContext& ctx_;
  Stream stream_;
  beast::flat_buffer buffer_;
  bool first_request_ = true;
  bool keep_alive_ = true;
  bool closed_ = false;
  bool drain_ = false;
  bool draining_ = false;
  std::string drain_buf_;
  uint64_t drained_ = 0;
  std::string path_;
  std::optional<ApiMethod> method_;
  std::optional<std::string> token_;
  std::optional<http::request_parser<http::empty_body>> header_;
  std::optional<http::request_parser<http::string_body>> body_;
  std::shared_ptr<ForwardedCall> call_;
  std::optional<std::string> response_wire_;

  // A server stream in progress.
  bool streaming_ = false;
  bool writing_ = false;
  std::optional<http::response<http::empty_body>> stream_res_;
  std::optional<http::response_serializer<http::empty_body>> stream_sr_;
  std::deque<std::string> outbox_;
  std::string current_;
  std::optional<grpc::Status> stream_status_;
  char probe_[1];

  // An upload in progress (Connect's or, with octo_upload_, a slicer's),
  // and the message a Connect upload answers with.
  bool uploading_ = false;
  bool octo_upload_ = false;
  bool upload_call_ = false;  // call_ is the upload's
  const google::protobuf::Descriptor* upload_response_ = nullptr;
  std::optional<UploadPump> upload_;

  // A slicer's request (octoprint/).
  octoprint::Route octo_route_;
  std::string octo_key_;
};

}  // namespace

void ServeConnection(net::ip::tcp::socket socket, net::ssl::context* ssl,
                     WebContext& context) {
  if (ssl != nullptr) {
    std::make_shared<HttpSession<beast::ssl_stream<beast::tcp_stream>>>(
        context, std::move(socket), *ssl)
        ->Run();
  } else {
    std::make_shared<HttpSession<beast::tcp_stream>>(context, std::move(socket))
        ->Run();
  }
}

}  // namespace werkbank::web
