// SPDX-License-Identifier: EUPL-1.2
// The answers of werkbank's OctoPrint-compatible surface, in the shapes the
// slicers read (PrusaSlicer's OctoPrint host, Cura's OctoPrintPlugin,
// OrcaSlicer), built from werkbank's own messages. Errors are plain
// sentences: PrusaSlicer shows "HTTP <code>: <body>" as it is.
#ifndef WERKBANK_SERVICES_WEB_OCTOPRINT_ANSWERS_H_
#define WERKBANK_SERVICES_WEB_OCTOPRINT_ANSWERS_H_

#include <grpcpp/support/status.h>

#include <string>

#include "absl/strings/string_view.h"
#include "werkbank/v1/accounts.pb.h"
#include "werkbank/v1/jobs.pb.h"
#include "werkbank/v1/machines.pb.h"

namespace werkbank::web::octoprint {

struct Answer {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::string location;  // the Location header of a created upload
};

// A sentence as text/plain (with a final line break).
Answer Sentence(int status, absl::string_view sentence);
Answer Json(std::string json, int status = 200);
// A refused call as a sentence, with the HTTP status OctoPrint would give:
// a bad key is 403, as OctoPrint answers it.
Answer Refused(const grpc::Status& status);

// GET api/version: `text` starts with "OctoPrint", which PrusaSlicer checks.
std::string VersionJson(const v1::Machine& machine);
// GET api/server.
std::string ServerJson();
// GET api/settings: what Cura's plugin reads; no SD card, no webcam.
std::string SettingsJson(const v1::Machine& machine);
// POST api/login (passive): the key's owner.
std::string LoginJson(const v1::User& user);
// GET api/printerprofiles: one profile, the machine.
std::string PrinterProfilesJson(const v1::Machine& machine);
// GET api/printer: the state with OctoPrint's flags and the temperatures
// (actual, target) as the machine reports them. A machine werkbank has no
// link to is 409 "not operational", as in OctoPrint.
Answer PrinterAnswer(const v1::Machine& machine);
// GET api/job: the machine's job. `job` and `progress` are the caller's
// own job running there, or null when the machine runs none or someone
// else's (whose file name and progress are not shown).
std::string JobJson(const v1::Machine& machine, const v1::Job* job,
                    const v1::JobProgress* progress);
// OctoPrint's state text for a machine state.
std::string StateText(v1::MachineState state);

}  // namespace werkbank::web::octoprint

#endif  // WERKBANK_SERVICES_WEB_OCTOPRINT_ANSWERS_H_
