// SPDX-License-Identifier: EUPL-1.2
// OctoPrint's answer shapes; see answers.h.
#include "answers.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/json_text.h"

namespace werkbank::web::octoprint {
namespace {

// The OctoPrint release whose API this surface follows.
constexpr char kOctoPrintVersion[] = "1.10.0";
constexpr char kApiVersion[] = "0.1";

std::string Number(double v) { return absl::StrFormat("%.1f", v); }

bool HasBed(const v1::Machine& m) {
  for (const auto& t : m.temperatures()) {
    if (t.heater() == "bed") return true;
  }
  return false;
}

}  // namespace

Answer Sentence(int status, absl::string_view sentence) {
  Answer a;
  a.status = status;
  a.content_type = "text/plain; charset=utf-8";
  a.body = absl::StrCat(sentence, "\n");
  return a;
}

Answer Json(std::string json, int status) {
  Answer a;
  a.status = status;
  a.body = std::move(json);
  return a;
}

Answer Refused(const grpc::Status& status) {
  int code = 500;
  switch (status.error_code()) {
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::OUT_OF_RANGE:
      code = 400;
      break;
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
      code = 403;
      break;
    case grpc::StatusCode::NOT_FOUND:
      code = 404;
      break;
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
      code = 409;
      break;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      code = 429;
      break;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::CANCELLED:
      code = 503;
      break;
    default:
      break;
  }
  return Sentence(code, status.error_message());
}

std::string StateText(v1::MachineState state) {
  switch (state) {
    case v1::MACHINE_STATE_LOCKED:
    case v1::MACHINE_STATE_UNLOCKED:
      return "Operational";
    case v1::MACHINE_STATE_RUNNING:
      return "Printing";
    case v1::MACHINE_STATE_PAUSED:
      return "Paused";
    case v1::MACHINE_STATE_FAULT:
      return "Error";
    case v1::MACHINE_STATE_BLOCKED:
      return "Offline (blocked for maintenance)";
    default:
      return "Offline";
  }
}

std::string VersionJson(const v1::Machine& machine) {
  return absl::StrCat(
      "{\"api\":", json::Quote(kApiVersion),
      ",\"server\":", json::Quote(kOctoPrintVersion), ",\"text\":",
      json::Quote(absl::StrCat("OctoPrint ", kOctoPrintVersion, " (werkbank, ",
                               machine.id(), ")")),
      "}");
}

std::string ServerJson() {
  return absl::StrCat("{\"version\":", json::Quote(kOctoPrintVersion),
                      ",\"safemode\":null}");
}

std::string SettingsJson(const v1::Machine& machine) {
  return absl::StrCat(
      "{\"api\":{\"allowCrossOrigin\":false},"
      "\"appearance\":{\"name\":",
      json::Quote(machine.name().empty() ? machine.id() : machine.name()),
      "},\"feature\":{\"sdSupport\":false},"
      "\"webcam\":{\"webcamEnabled\":false,\"streamUrl\":\"\","
      "\"flipH\":false,\"flipV\":false,\"rotate90\":false},"
      "\"plugins\":{}}");
}

std::string LoginJson(const v1::User& user) {
  bool admin = false;
  for (int r : user.roles()) admin |= r == v1::ROLE_STAFF;
  return absl::StrCat(
      "{\"name\":", json::Quote(user.login()),
      ",\"active\":true,\"user\":true,\"admin\":", admin ? "true" : "false",
      ",\"apikey\":null,\"groups\":[\"users\"],"
      "\"permissions\":[],\"needs\":{}}");
}

std::string PrinterProfilesJson(const v1::Machine& machine) {
  const std::string name =
      machine.name().empty() ? machine.id() : machine.name();
  return absl::StrCat(
      "{\"profiles\":{\"_default\":{\"id\":\"_default\",\"name\":",
      json::Quote(name), ",\"model\":", json::Quote(machine.machine_class()),
      ",\"color\":\"default\",\"current\":true,\"default\":true,"
      "\"resource\":\"\",\"heatedBed\":",
      HasBed(machine) ? "true" : "false",
      ",\"heatedChamber\":false,"
      "\"extruder\":{\"count\":1,\"nozzleDiameter\":0.4,"
      "\"sharedNozzle\":false,\"offsets\":[[0.0,0.0]]},"
      "\"axes\":{\"x\":{\"speed\":6000,\"inverted\":false},"
      "\"y\":{\"speed\":6000,\"inverted\":false},"
      "\"z\":{\"speed\":200,\"inverted\":false},"
      "\"e\":{\"speed\":300,\"inverted\":false}}}}}");
}

Answer PrinterAnswer(const v1::Machine& m) {
  const v1::MachineState s = m.state();
  if (s == v1::MACHINE_STATE_OFFLINE || s == v1::MACHINE_STATE_UNSPECIFIED) {
    return Sentence(409, absl::StrCat(m.id(),
                                      " is not operational: it is "
                                      "offline"));
  }
  const bool printing = s == v1::MACHINE_STATE_RUNNING;
  const bool paused = s == v1::MACHINE_STATE_PAUSED;
  const bool error = s == v1::MACHINE_STATE_FAULT;
  const bool operational = !error && s != v1::MACHINE_STATE_BLOCKED;
  std::string temps;
  for (const auto& t : m.temperatures()) {
    // OctoPrint names the first hotend tool0.
    const std::string key = t.heater() == "hotend" ? "tool0" : t.heater();
    absl::StrAppend(&temps, temps.empty() ? "" : ",", json::Quote(key),
                    ":{\"actual\":", Number(t.current_c()),
                    ",\"target\":", Number(t.target_c()), ",\"offset\":0}");
  }
  auto flag = [](bool b) { return b ? "true" : "false"; };
  std::string text = StateText(s);
  if (error && !m.fault_reason().empty()) {
    text = absl::StrCat("Error: ", m.fault_reason());
  }
  return Json(absl::StrCat(
      "{\"state\":{\"text\":", json::Quote(text),
      ",\"flags\":{\"operational\":", flag(operational), ",\"printing\":",
      flag(printing), ",\"pausing\":false,\"paused\":", flag(paused),
      ",\"cancelling\":false,\"resuming\":false,\"finishing\":false,"
      "\"sdReady\":false,\"error\":",
      flag(error), ",\"ready\":", flag(operational && !printing && !paused),
      ",\"closedOrError\":", flag(!operational), "}},\"temperature\":{", temps,
      "},\"sd\":{\"ready\":false}}"));
}

std::string JobJson(const v1::Machine& m, const v1::Job* job,
                    const v1::JobProgress* progress) {
  std::string file =
      "{\"name\":null,\"path\":null,\"origin\":null,\"size\":null,"
      "\"date\":null}";
  std::string estimate = "null";
  if (job != nullptr) {
    file = absl::StrCat("{\"name\":", json::Quote(job->file_name()),
                        ",\"path\":", json::Quote(job->file_name()),
                        ",\"display\":", json::Quote(job->file_name()),
                        ",\"origin\":\"local\",\"size\":", job->size_bytes(),
                        ",\"date\":", job->created_at().seconds(), "}");
    estimate = Number(job->estimated_seconds());
  }
  std::string completion = "null";
  std::string filepos = "null";
  std::string print_time = "null";
  std::string time_left = "null";
  if (progress != nullptr) {
    completion = Number(progress->percent());
    filepos = absl::StrCat(progress->lines_done());
    print_time = Number(progress->elapsed_seconds());
    time_left = Number(progress->remaining_seconds());
  }
  return absl::StrCat(
      "{\"job\":{\"file\":", file, ",\"estimatedPrintTime\":", estimate,
      ",\"lastPrintTime\":null,\"filament\":null,\"user\":null},"
      "\"progress\":{\"completion\":",
      completion, ",\"filepos\":", filepos, ",\"printTime\":", print_time,
      ",\"printTimeLeft\":", time_left,
      ",\"printTimeLeftOrigin\":\"estimate\"},\"state\":",
      json::Quote(StateText(m.state())), "}");
}

}  // namespace werkbank::web::octoprint
