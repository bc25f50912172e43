// SPDX-License-Identifier: EUPL-1.2
// The OctoPrint surface's requests as werkbank calls; see exchange.h.
#include "exchange.h"

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "not_started.h"
#include "services/common/json_text.h"
#include "werkbank/v1/accounts.pb.h"
#include "werkbank/v1/bookings.pb.h"
#include "werkbank/v1/jobs.pb.h"
#include "werkbank/v1/machines.pb.h"
#include "werkbank/v1/trainings.pb.h"

namespace werkbank::web::octoprint {
namespace {

constexpr char kGetMachine[] = "/werkbank.v1.Machines/GetMachine";
constexpr char kWhoAmI[] = "/werkbank.v1.Accounts/WhoAmI";
constexpr char kGetJob[] = "/werkbank.v1.Jobs/GetJob";
constexpr char kWatchJob[] = "/werkbank.v1.Jobs/WatchJob";
constexpr char kStartJob[] = "/werkbank.v1.Jobs/StartJob";
constexpr char kListReservations[] = "/werkbank.v1.Bookings/ListReservations";
constexpr char kListQualifications[] =
    "/werkbank.v1.Trainings/ListQualifications";

CallSpec GetMachine(const std::string& id) {
  v1::GetMachineRequest req;
  req.set_id(id);
  return {kGetMachine, req.SerializeAsString()};
}

template <typename M>
bool Parse(const CallResult& r, M* out) {
  return r.status.ok() && out->ParseFromString(r.wire);
}

void Run(const Context& c, const std::string& key, std::vector<CallSpec> calls,
         CallsDone done) {
  CallAll(*c.forwarder, key, std::move(calls), c.post, std::move(done));
}

// Reads the machine (which also checks the key), then answers with `make`.
void WithMachine(const Context& c, const Route& route, const std::string& key,
                 Reply reply, std::function<Answer(const v1::Machine&)> make) {
  Run(c, key, {GetMachine(route.machine_id)},
      [reply = std::move(reply),
       make = std::move(make)](std::vector<CallResult> r) {
        v1::Machine m;
        if (!r[0].status.ok()) return reply(Refused(r[0].status));
        if (!Parse(r[0], &m)) {
          return reply(Sentence(500, "the machine's state could not be read"));
        }
        reply(make(m));
      });
}

void ServeJob(const Context& c, const Route& route, const std::string& key,
              Reply reply) {
  Run(c, key, {GetMachine(route.machine_id)},
      [c, key, reply](std::vector<CallResult> r) {
        auto m = std::make_shared<v1::Machine>();
        if (!r[0].status.ok()) return reply(Refused(r[0].status));
        if (!Parse(r[0], m.get())) {
          return reply(Sentence(500, "the machine's state could not be read"));
        }
        if (m->job_id() == 0) return reply(Json(JobJson(*m, nullptr, nullptr)));
        v1::GetJobRequest get;
        get.set_id(m->job_id());
        v1::WatchJobRequest watch;
        watch.set_id(m->job_id());
        // Someone else's job is refused to the caller: shown without name
        // and progress.
        Run(c, key,
            {{kGetJob, get.SerializeAsString()},
             {kWatchJob, watch.SerializeAsString(), true}},
            [m, reply](std::vector<CallResult> jr) {
              v1::Job job;
              v1::JobProgress progress;
              const bool own = Parse(jr[0], &job);
              const bool live = own && Parse(jr[1], &progress);
              reply(Json(JobJson(*m, own ? &job : nullptr,
                                 live ? &progress : nullptr)));
            });
      });
}

std::string UrlEncode(const std::string& in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : in) {
    if (absl::ascii_isalnum(ch) || ch == '-' || ch == '_' || ch == '.' ||
        ch == '~') {
      out.push_back(static_cast<char>(ch));
    } else {
      out.push_back('%');
      out.push_back(kHex[ch >> 4]);
      out.push_back(kHex[ch & 15]);
    }
  }
  return out;
}

// 201 Created, as OctoPrint answers an upload, with werkbank's own note.
Answer Created(const Route& route, const Upload& u, const v1::Job& job,
               bool printed, const std::string& message) {
  const std::string resource =
      absl::StrCat(u.origin, kPrefix, route.machine_id, "/api/files/local/",
                   UrlEncode(job.file_name()));
  Answer a =
      Json(absl::StrCat(
               "{\"done\":true,\"effectivePrint\":", printed ? "true" : "false",
               ",\"effectiveSelect\":", printed ? "true" : "false",
               ",\"files\":{\"local\":{\"name\":", json::Quote(job.file_name()),
               ",\"display\":", json::Quote(job.file_name()),
               ",\"path\":", json::Quote(job.file_name()),
               ",\"origin\":\"local\",\"refs\":{\"resource\":",
               json::Quote(resource), "}}},\"werkbank\":{\"job\":", job.id(),
               ",\"message\":", json::Quote(message), "}}"),
           201);
  a.location = resource;
  return a;
}

void ExplainNotStarted(const Context& c, const Route& route,
                       const std::string& key, int64_t job_id,
                       grpc::Status refusal, Reply reply) {
  v1::ListReservationsRequest res;
  res.set_machine_id(route.machine_id);
  v1::ListQualificationsRequest quals;
  Run(c, key,
      {GetMachine(route.machine_id),
       {kListReservations, res.SerializeAsString()},
       {kListQualifications, quals.SerializeAsString()},
       {kWhoAmI, v1::WhoAmIRequest().SerializeAsString()}},
      [c, route, job_id, refusal, reply](std::vector<CallResult> r) {
        v1::Machine machine;
        v1::ListReservationsResponse reservations;
        v1::ListQualificationsResponse qualifications;
        v1::User me;
        StartContext sc;
        if (Parse(r[0], &machine)) sc.machine = &machine;
        if (Parse(r[1], &reservations)) sc.reservations = &reservations;
        if (Parse(r[2], &qualifications)) sc.qualifications = &qualifications;
        if (Parse(r[3], &me)) sc.me = &me;
        sc.now = c.now();
        // 409, not 201: PrusaSlicer and Cura show the body of an error and
        // nothing of a success, and the person must learn that the print
        // did not start and what to do.
        reply(Sentence(
            409, NotStartedSentence(job_id, route.machine_id, refusal, sc)));
      });
}

}  // namespace

bool FormTrue(const std::map<std::string, std::string>& fields,
              const std::string& name) {
  auto it = fields.find(name);
  if (it == fields.end()) return false;
  const std::string v =
      absl::AsciiStrToLower(absl::StripAsciiWhitespace(it->second));
  return v == "true" || v == "yes" || v == "1" || v == "on";
}

void Serve(const Context& c, const Route& route, bool post,
           const std::string& key, Reply reply) {
  const std::string& api = route.api;
  if (api == "api/version" && !post) {
    return WithMachine(c, route, key, reply, [](const v1::Machine& m) {
      return Json(VersionJson(m));
    });
  }
  if (api == "api/server" && !post) {
    return WithMachine(c, route, key, reply,
                       [](const v1::Machine&) { return Json(ServerJson()); });
  }
  if (api == "api/settings" && !post) {
    return WithMachine(c, route, key, reply, [](const v1::Machine& m) {
      return Json(SettingsJson(m));
    });
  }
  if (api == "api/printerprofiles" && !post) {
    return WithMachine(c, route, key, reply, [](const v1::Machine& m) {
      return Json(PrinterProfilesJson(m));
    });
  }
  if (api == "api/printer" && !post) {
    return WithMachine(c, route, key, reply, &PrinterAnswer);
  }
  if ((api == "api/files" || api == "api/files/local") && !post) {
    // Uploads become jobs; none is offered back as a file to print.
    return WithMachine(c, route, key, reply, [](const v1::Machine&) {
      return Json("{\"files\":[],\"free\":0,\"total\":0}");
    });
  }
  if (api == "api/connection" && !post) {
    return WithMachine(c, route, key, reply, [](const v1::Machine& m) {
      return Json(absl::StrCat(
          "{\"current\":{\"state\":", json::Quote(StateText(m.state())),
          ",\"port\":", json::Quote(m.id()),
          ",\"baudrate\":null,\"printerProfile\":\"_default\"},"
          "\"options\":{\"ports\":[",
          json::Quote(m.id()),
          "],\"baudrates\":[],\"printerProfiles\":[{\"id\":\"_default\","
          "\"name\":",
          json::Quote(m.id()), "}],\"portPreference\":null}}"));
    });
  }
  if (api == "api/job" && !post) return ServeJob(c, route, key, reply);
  if (api == "api/login" && post) {
    // Passive login: who the key belongs to (Cura shows it).
    return Run(c, key, {{kWhoAmI, v1::WhoAmIRequest().SerializeAsString()}},
               [reply](std::vector<CallResult> r) {
                 v1::User me;
                 if (!r[0].status.ok()) return reply(Refused(r[0].status));
                 if (!Parse(r[0], &me)) {
                   return reply(Sentence(500, "the account could not be read"));
                 }
                 reply(Json(LoginJson(me)));
               });
  }
  if (api == "api/job" || api == "api/connection" ||
      absl::StartsWith(api, "api/printer/") ||
      absl::StartsWith(api, "api/files/local/")) {
    return reply(Sentence(
        409, absl::StrCat(
                 "werkbank starts a job only from the upload (\"Upload and "
                 "print\") or at the machine, and pauses, resumes or cancels "
                 "it at the machine or with `werkbank job pause|resume|cancel "
                 "ID`; the slicer cannot control ",
                 route.machine_id, " directly")));
  }
  reply(Sentence(
      404, absl::StrCat("werkbank answers the part of the OctoPrint API that "
                        "slicers use to send jobs; \"",
                        api.substr(0, 80), "\" is not part of it")));
}

void AfterUpload(const Context& c, const Route& route, const std::string& key,
                 Upload u, Reply reply) {
  if (!u.status.ok()) {
    if (u.status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED &&
        u.file_bytes > u.max_upload_bytes) {
      return reply(Sentence(
          413, absl::StrCat("not uploaded: the file is larger than the lab's "
                            "upload limit of ",
                            u.max_upload_bytes / (1 << 20), " MiB (",
                            u.max_upload_bytes, " bytes)")));
    }
    Answer a = Refused(u.status);
    a.body = absl::StrCat("not uploaded: ", a.body);
    return reply(std::move(a));
  }
  auto job = std::make_shared<v1::Job>();
  if (!job->ParseFromString(u.job_wire)) {
    return reply(Sentence(500, "the upload's job could not be read"));
  }
  if (job->state() == v1::JOB_STATE_REJECTED) {
    const auto& p = job->preflight();
    std::string first;
    if (!p.violations().empty()) {
      first = absl::StrCat(", e.g. line ", p.violations(0).line(), ": ",
                           p.violations(0).message());
    }
    return reply(Sentence(
        422,
        absl::StrCat("uploaded as job ", job->id(), " but it did not pass ",
                     route.machine_id, "'s preflight (", p.violations_size(),
                     " problems", first,
                     "); check the slicer's printer settings and send "
                     "it again")));
  }
  if (!FormTrue(u.fields, "print")) {
    return reply(Created(
        route, u, *job, false,
        absl::StrCat("uploaded as job ", job->id(), " to ", route.machine_id,
                     "; start it at the machine (`werkbank job start ",
                     job->id(), "`) during your reservation")));
  }
  v1::StartJobRequest start;
  start.set_id(job->id());
  Run(c, key, {{kStartJob, start.SerializeAsString()}},
      [c, route, key, u, job, reply](std::vector<CallResult> r) {
        if (r[0].status.ok()) {
          return reply(Created(route, u, *job, true,
                               absl::StrCat("job ", job->id(), " started on ",
                                            route.machine_id)));
        }
        ExplainNotStarted(c, route, key, job->id(), r[0].status, reply);
      });
}

}  // namespace werkbank::web::octoprint
