// SPDX-License-Identifier: EUPL-1.2
// Starting a print request: the one starting is a trainer or staff, holds a
// valid qualification for the class and has the machine unlocked like for
// any job of their own; the file is checked again against that machine; the
// job is recorded with the submitter as owner and started on their behalf.
#include "absl/strings/str_cat.h"
#include "service_queue.h"
#include "services/access/trainings.h"
#include "services/audit/audit_log.h"
#include "services/config/lookup.h"
#include "services/machines/start_precheck.h"

namespace werkbank::print_service {

using store::ServiceRequestState;

absl::StatusOr<ServiceRequestView> ServiceQueue::Start(
    const access::Actor& actor, int64_t id, const std::string& machine_id,
    const std::vector<std::string>& confirmed) {
  if (!actor.IsTrainerOrStaff()) {
    return absl::PermissionDeniedError(
        "only trainers and staff start print requests");
  }
  auto view = Get(actor, id);
  if (!view.ok()) return view;
  const store::ServiceRequestRecord& request = view->record;
  if (request.state != ServiceRequestState::kWaiting) {
    return absl::FailedPreconditionError(
        absl::StrCat("print request ", id, " is ", StateName(view->state),
                     "; only a waiting request is started"));
  }
  const v1::MachineConfig* machine = config::FindMachine(config_, machine_id);
  if (machine == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("unknown machine \"", machine_id.substr(0, 40),
                     "\"; the lab has: ", config::MachineIds(config_)));
  }
  if (machine->machine_class() != request.machine_class) {
    return absl::FailedPreconditionError(absl::StrCat(
        machine_id, " is a ", machine->machine_class(), " machine; request ",
        id, " asks for ", request.machine_class));
  }
  // Like any job: qualified for the class (trainers and staff too)...
  const absl::Time now = clock_.Now();
  auto qualified = store_.Read([&](store::Transaction& tx) {
    return access::CheckQualified(tx, actor.user_id, request.machine_class,
                                  now);
  });
  if (!qualified.ok()) {
    AuditRefusal(actor, id, qualified);
    return qualified;
  }
  // ... and the machine unlocked for them, with time for the job.
  auto controller = machines_.Find(machine_id);
  if (!controller.ok()) return controller.status();
  if (auto s = machines::PrecheckStart((*controller)->Snapshot(), actor,
                                       request.estimated_seconds, now);
      !s.ok()) {
    AuditRefusal(actor, id, s);
    return s;
  }
  auto program = jobs_.RecheckStored(machine_id, request.sha256);
  if (!program.ok()) return program.status();
  if (!program->report.passed()) {
    const auto& v = program->report.violations(0);
    absl::Status s = absl::FailedPreconditionError(
        absl::StrCat(request.file_name, " does not pass the preflight for ",
                     machine_id, " (line ", v.line(), ": ", v.message(),
                     "); start it on another machine or decline it"));
    AuditRefusal(actor, id, s);
    return s;
  }
  // The job exists, owned by the submitter, before the machine records its
  // start; the request is taken in the same transaction, so two people
  // starting it at once cannot both succeed.
  store::JobRecord job;
  job.machine_id = machine_id;
  job.owner_id = request.submitter_id;
  job.file_name = request.file_name;
  job.sha256 = program->sha256;
  job.size_bytes = program->size_bytes;
  job.state = store::JobState::kUploaded;
  job.preflight = program->report.SerializeAsString();
  job.line_count = program->line_count;
  job.estimated_seconds = program->estimated_seconds;
  job.created_at = now;
  auto taken = store_.Write([&](store::Transaction& tx) -> absl::Status {
    auto r = tx.FindServiceRequest(id);
    if (!r.ok()) return r.status();
    if (!*r || (*r)->state != ServiceRequestState::kWaiting) {
      return absl::FailedPreconditionError(
          absl::StrCat("print request ", id, " was taken or closed meanwhile"));
    }
    auto job_id = tx.InsertJob(job);
    if (!job_id.ok()) return job_id.status();
    job.id = *job_id;
    store::ServiceRequestRecord started = **r;
    started.state = ServiceRequestState::kStarted;
    started.job_id = job.id;
    started.decided_by = actor.user_id;
    started.decided_at = now;
    if (auto u = tx.UpdateServiceRequest(started); !u.ok()) return u;
    return audit::Append(
               tx,
               {actor.login, "service.start", absl::StrCat("service/", id),
                absl::StrCat("job/", job.id, " on ", machine_id, " for ",
                             view->submitter_login)},
               now)
        .status();
  });
  if (!taken.ok()) return taken;
  auto started = jobs_.StartOnBehalf(actor, job.id, confirmed);
  if (!started.ok()) {
    UndoStart(actor, id, job.id, started.status());
    return started.status();
  }
  return Load(id);
}

void ServiceQueue::UndoStart(const access::Actor& actor, int64_t request_id,
                             int64_t job_id, const absl::Status& why) {
  (void)store_.Write([&](store::Transaction& tx) -> absl::Status {
    auto job = tx.FindJob(job_id);
    if (!job.ok()) return job.status();
    if (*job && (*job)->state == store::JobState::kUploaded) {
      store::JobRecord j = **job;
      j.state = store::JobState::kCancelled;
      j.finished_at = clock_.Now();
      j.end_reason = absl::StrCat("the start was refused: ", why.message());
      if (auto u = tx.UpdateJob(j); !u.ok()) return u;
    }
    auto r = tx.FindServiceRequest(request_id);
    if (!r.ok()) return r.status();
    if (*r && (*r)->job_id == job_id) {
      store::ServiceRequestRecord waiting = **r;
      waiting.state = ServiceRequestState::kWaiting;
      waiting.job_id = 0;
      waiting.decided_by = 0;
      waiting.decided_at.reset();
      if (auto u = tx.UpdateServiceRequest(waiting); !u.ok()) return u;
    }
    return audit::Append(tx,
                         {actor.login, "service.start_refused",
                          absl::StrCat("service/", request_id),
                          std::string(why.message())},
                         clock_.Now())
        .status();
  });
}

}  // namespace werkbank::print_service
