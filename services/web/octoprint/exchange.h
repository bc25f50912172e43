// SPDX-License-Identifier: EUPL-1.2
// What the OctoPrint surface answers: each slicer request becomes a few
// werkbank calls made with the person's key (calls.h), and their results
// one answer in OctoPrint's shape (answers.h). No rule lives here: whether
// a job may start is the Jobs service's decision, asked as for the CLI.
#ifndef WERKBANK_SERVICES_WEB_OCTOPRINT_EXCHANGE_H_
#define WERKBANK_SERVICES_WEB_OCTOPRINT_EXCHANGE_H_

#include <functional>
#include <map>
#include <string>

#include "absl/time/time.h"
#include "answers.h"
#include "calls.h"
#include "route.h"

namespace werkbank::web::octoprint {

struct Context {
  Forwarder* forwarder = nullptr;
  Poster post;                      // onto the connection's thread
  std::function<absl::Time()> now;  // the daemon's clock
};

using Reply = std::function<void(Answer)>;

// Every request but the upload: api/version, server, settings, login,
// printerprofiles, printer, job, files, connection.
void Serve(const Context& context, const Route& route, bool post,
           const std::string& key, Reply reply);

// The upload (POST api/files/local) once Jobs/UploadJob ended.
struct Upload {
  grpc::Status status;
  std::string job_wire;  // werkbank.v1.Job when status is OK
  int64_t file_bytes = 0;
  int64_t max_upload_bytes = 0;
  std::map<std::string, std::string> fields;  // print, select, path
  std::string file_name;
  std::string origin;  // "https://host:port", for the Location header
};
void AfterUpload(const Context& context, const Route& route,
                 const std::string& key, Upload upload, Reply reply);

// OctoPrint's truth values in form fields: "true", "yes", "1", "on".
bool FormTrue(const std::map<std::string, std::string>& fields,
              const std::string& name);

}  // namespace werkbank::web::octoprint

#endif  // WERKBANK_SERVICES_WEB_OCTOPRINT_EXCHANGE_H_
