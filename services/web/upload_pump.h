// SPDX-License-Identifier: EUPL-1.2
// An upload's body on its way into a client-streamed call, for both kinds
// of upload the web server takes: a Connect upload, whose body is the file
// (/upload/job, /upload/service-request), and a slicer's OctoPrint upload,
// whose body is a multipart form with the file as one part. The body is read
// a chunk at a time and written one message at a time, each after the last
// was taken, so that a 50 MiB program never sits in memory and a slow
// server slows the client down.
//
// The pump decides; its connection does the reading and answers (Next()
// says what to do). Not thread-safe: one pump per upload, on the
// connection's thread.
#ifndef WERKBANK_SERVICES_WEB_UPLOAD_PUMP_H_
#define WERKBANK_SERVICES_WEB_UPLOAD_PUMP_H_

#include <boost/beast/http.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "grpc_forwarder.h"
#include "octoprint/form_data_parser.h"

namespace werkbank::web {

class UploadPump {
 public:
  using BodyParser =
      boost::beast::http::request_parser<boost::beast::http::buffer_body>;

  // Takes over the request whose headers were read. Without `form` the
  // body is the file; with it, the body is a form whose file part is.
  UploadPump(boost::beast::http::request_parser<
                 boost::beast::http::empty_body>&& header,
             std::optional<octoprint::FormDataParser> form);

  enum class Step {
    kWait,      // a message is being written: Written() when it was
    kRead,      // read more of the body: BeginRead(), read into body(),
                // then EndRead()
    kOpen,      // the file began and no call is open: start one, Open() it
    kFinished,  // the whole file was written and the request stream closed
    kRefused,   // the upload cannot go on; refusal() says why
  };

  // What comes next for the upload's call (null until it is opened). When
  // file bytes are ready, writes them to `call` and answers kWait.
  Step Next(ForwardedCall* call);

  // Writes the call's first message (the upload's header).
  void Open(ForwardedCall& call, const std::string& header_wire);
  // The message in flight was taken.
  void Written() { writing_ = false; }

  // Reading: BeginRead() lends the parser a buffer for body(); EndRead()
  // when the read completed, whatever its outcome; Take() (after a read
  // that succeeded) takes what it read: INVALID_ARGUMENT, as a sentence,
  // for a malformed form.
  void BeginRead();
  void EndRead() { read_pending_ = false; }
  absl::Status Take();
  BodyParser& body() { return body_; }
  const BodyParser& body() const { return body_; }
  // A read is waiting for bytes (a refusal must not start another).
  bool read_pending() const { return read_pending_; }
  // The whole body was read.
  bool body_done() const { return body_.is_done(); }

  // Why the upload was refused (after kRefused).
  const absl::Status& refusal() const { return refusal_; }
  // The file's bytes written so far.
  int64_t file_bytes() const { return file_bytes_; }
  // The form around the file (OctoPrint uploads only).
  const octoprint::FormDataParser* form() const {
    return form_ ? &*form_ : nullptr;
  }

 private:
  Step Refuse(absl::Status why);

  BodyParser body_;
  std::optional<octoprint::FormDataParser> form_;
  std::string chunk_;    // what one read fills
  std::string pending_;  // file bytes read, not yet written
  int64_t file_bytes_ = 0;
  bool writing_ = false;
  bool read_pending_ = false;
  bool finished_ = false;
  absl::Status refusal_;
};

}  // namespace werkbank::web

#endif  // WERKBANK_SERVICES_WEB_UPLOAD_PUMP_H_
