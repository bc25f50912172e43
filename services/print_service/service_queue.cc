// SPDX-License-Identifier: EUPL-1.2
// The print service queue: submit, list, decline, withdraw; see
// service_queue.h. Starting is in service_start.cc.
#include "service_queue.h"

#include "absl/strings/str_cat.h"
#include "services/access/accounts.h"
#include "services/audit/audit_log.h"
#include "services/common/validate.h"
#include "services/config/lookup.h"

namespace werkbank::print_service {
namespace {

using store::ServiceRequestState;

v1::ServiceRequestState Follow(const store::ServiceRequestRecord& r,
                               const std::optional<store::JobRecord>& job) {
  switch (r.state) {
    case ServiceRequestState::kWaiting:
      return v1::SERVICE_REQUEST_STATE_WAITING;
    case ServiceRequestState::kDeclined:
      return v1::SERVICE_REQUEST_STATE_DECLINED;
    case ServiceRequestState::kWithdrawn:
      return v1::SERVICE_REQUEST_STATE_WITHDRAWN;
    case ServiceRequestState::kStarted:
      break;
  }
  if (!job) return v1::SERVICE_REQUEST_STATE_STARTED;
  switch (job->state) {
    case store::JobState::kCompleted:
      return v1::SERVICE_REQUEST_STATE_DONE;
    case store::JobState::kCancelled:
    case store::JobState::kFailed:
    case store::JobState::kInterrupted:
    case store::JobState::kRejected:
      return v1::SERVICE_REQUEST_STATE_FAILED;
    default:
      return v1::SERVICE_REQUEST_STATE_STARTED;
  }
}

// The first machine of the class in the config: a submission's preflight.
const v1::MachineConfig* FirstMachineOf(const v1::Config& config,
                                        const std::string& machine_class) {
  for (const auto& m : config.machines()) {
    if (m.machine_class() == machine_class) return &m;
  }
  return nullptr;
}

}  // namespace

const char* ServiceQueue::StateName(v1::ServiceRequestState s) {
  switch (s) {
    case v1::SERVICE_REQUEST_STATE_WAITING:
      return "waiting";
    case v1::SERVICE_REQUEST_STATE_STARTED:
      return "started";
    case v1::SERVICE_REQUEST_STATE_DONE:
      return "done";
    case v1::SERVICE_REQUEST_STATE_FAILED:
      return "failed";
    case v1::SERVICE_REQUEST_STATE_DECLINED:
      return "declined";
    case v1::SERVICE_REQUEST_STATE_WITHDRAWN:
      return "withdrawn";
    default:
      return "?";
  }
}

v1::ServiceRequestState ServiceQueue::StateOf(
    const store::ServiceRequestRecord& r,
    const std::optional<store::JobRecord>& job) {
  return Follow(r, job);
}

ServiceQueue::ServiceQueue(store::Store& store, const Clock& clock,
                           const v1::Config& config, machines::JobService& jobs,
                           machines::MachineManager& machines)
    : store_(store),
      clock_(clock),
      config_(config),
      jobs_(jobs),
      machines_(machines) {}

absl::StatusOr<ServiceRequestView> ServiceQueue::ViewOf(
    store::Transaction& tx, store::ServiceRequestRecord r) {
  ServiceRequestView v;
  std::vector<int64_t> ids = {r.submitter_id};
  if (r.decided_by != 0) ids.push_back(r.decided_by);
  auto logins = access::LoginsOf(tx, ids);
  if (!logins.ok()) return logins.status();
  v.submitter_login = (*logins)[0];
  if (r.decided_by != 0) v.started_by_login = (*logins)[1];
  if (r.job_id != 0) {
    auto job = tx.FindJob(r.job_id);
    if (!job.ok()) return job.status();
    v.job = *job;
  }
  v.preflight.ParseFromString(r.preflight);
  v.state = Follow(r, v.job);
  v.record = std::move(r);
  return v;
}

absl::StatusOr<ServiceRequestView> ServiceQueue::Load(int64_t id) {
  std::optional<ServiceRequestView> view;
  auto s = store_.Read([&](store::Transaction& tx) -> absl::Status {
    auto r = tx.FindServiceRequest(id);
    if (!r.ok()) return r.status();
    if (!*r) return absl::OkStatus();
    auto v = ViewOf(tx, **r);
    if (!v.ok()) return v.status();
    view = std::move(*v);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (!view)
    return absl::NotFoundError(absl::StrCat("no service request ", id));
  return *std::move(view);
}

absl::StatusOr<std::unique_ptr<machines::ProgramUpload>>
ServiceQueue::BeginSubmit(const access::Actor& actor,
                          const std::string& machine_class,
                          const std::string& file_name,
                          const std::string& note) {
  if (config::FindClass(config_, machine_class) == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("unknown machine class \"", machine_class.substr(0, 40),
                     "\"; the lab has: ", config::ClassNames(config_)));
  }
  const v1::MachineConfig* machine = FirstMachineOf(config_, machine_class);
  if (machine == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the lab has no machine of class ", machine_class, " at the moment"));
  }
  // The name is shown to people only; it never becomes a path.
  if (auto s = validate::Text("file name", file_name, 200, true); !s.ok())
    return s;
  if (auto s = validate::Text("note", note, 1000, false); !s.ok()) return s;
  int64_t open = 0;
  auto counted = store_.Read([&](store::Transaction& tx) -> absl::Status {
    auto mine = tx.ListServiceRequests(
        {actor.user_id, ServiceRequestState::kWaiting, "", 1000});
    if (!mine.ok()) return mine.status();
    open = static_cast<int64_t>(mine->size());
    return absl::OkStatus();
  });
  if (!counted.ok()) return counted;
  const int limit = config_.jobs().max_open_service_requests_per_user();
  if (open >= limit) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "you have ", open, " print requests waiting; the limit is ", limit,
        "; withdraw one or wait until the lab has looked at them"));
  }
  return jobs_.OpenUpload(machine->id());
}

absl::StatusOr<ServiceRequestView> ServiceQueue::FinishSubmit(
    const access::Actor& actor, const std::string& machine_class,
    const std::string& file_name, const std::string& note,
    machines::ProgramUpload& upload) {
  const v1::MachineConfig* machine = FirstMachineOf(config_, machine_class);
  if (machine == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the lab has no machine of class ", machine_class, " at the moment"));
  }
  auto program = jobs_.StoreProgram(machine->id(), upload);
  if (!program.ok()) return program.status();
  const v1::PreflightReport& report = program->report;
  if (!report.passed()) {
    std::string first;
    for (int i = 0; i < report.violations_size() && i < 3; ++i) {
      absl::StrAppend(&first, i == 0 ? "" : "; ", "line ",
                      report.violations(i).line(), ": ",
                      report.violations(i).message());
    }
    return absl::FailedPreconditionError(
        absl::StrCat(file_name, " does not pass the preflight for ",
                     machine_class, " (", report.violations_size(),
                     " problems: ", first, "); nothing was queued"));
  }
  store::ServiceRequestRecord r;
  r.submitter_id = actor.user_id;
  r.machine_class = machine_class;
  r.file_name = file_name;
  r.note = note;
  r.sha256 = program->sha256;
  r.size_bytes = program->size_bytes;
  r.preflight = report.SerializeAsString();
  r.line_count = program->line_count;
  r.estimated_seconds = program->estimated_seconds;
  r.state = ServiceRequestState::kWaiting;
  r.created_at = clock_.Now();
  std::optional<ServiceRequestView> view;
  auto s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    auto id = tx.InsertServiceRequest(r);
    if (!id.ok()) return id.status();
    r.id = *id;
    auto e = audit::Append(
        tx,
        {actor.login, "service.submit", absl::StrCat("service/", r.id),
         absl::StrCat("class=", machine_class, " sha256=", r.sha256)},
        r.created_at);
    if (!e.ok()) return e.status();
    auto v = ViewOf(tx, r);
    if (!v.ok()) return v.status();
    view = std::move(*v);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return *std::move(view);
}

absl::StatusOr<std::vector<ServiceRequestView>> ServiceQueue::List(
    const access::Actor& actor, bool mine, v1::ServiceRequestState state,
    const std::string& machine_class) {
  store::ServiceRequestFilter filter;
  filter.submitter_id =
      mine || !actor.IsTrainerOrStaff() ? actor.user_id : int64_t{0};
  filter.machine_class = machine_class;
  switch (state) {
    case v1::SERVICE_REQUEST_STATE_WAITING:
      filter.state = ServiceRequestState::kWaiting;
      break;
    case v1::SERVICE_REQUEST_STATE_DECLINED:
      filter.state = ServiceRequestState::kDeclined;
      break;
    case v1::SERVICE_REQUEST_STATE_WITHDRAWN:
      filter.state = ServiceRequestState::kWithdrawn;
      break;
    case v1::SERVICE_REQUEST_STATE_STARTED:
    case v1::SERVICE_REQUEST_STATE_DONE:
    case v1::SERVICE_REQUEST_STATE_FAILED:
      filter.state = ServiceRequestState::kStarted;  // then by their job
      break;
    default:
      break;
  }
  std::vector<ServiceRequestView> out;
  auto s = store_.Read([&](store::Transaction& tx) -> absl::Status {
    auto rows = tx.ListServiceRequests(filter);
    if (!rows.ok()) return rows.status();
    for (auto& r : *rows) {
      auto v = ViewOf(tx, std::move(r));
      if (!v.ok()) return v.status();
      if (state != v1::SERVICE_REQUEST_STATE_UNSPECIFIED && v->state != state)
        continue;
      out.push_back(std::move(*v));
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<ServiceRequestView> ServiceQueue::Get(const access::Actor& actor,
                                                     int64_t id) {
  auto view = Load(id);
  if (!view.ok()) return view;
  if (view->record.submitter_id != actor.user_id && !actor.IsTrainerOrStaff()) {
    return absl::PermissionDeniedError(
        "you may look at your own print requests only");
  }
  return view;
}

absl::StatusOr<ServiceRequestView> ServiceQueue::Close(
    const access::Actor& actor, int64_t id, ServiceRequestState to,
    const std::string& reason) {
  const bool decline = to == ServiceRequestState::kDeclined;
  std::optional<ServiceRequestView> view;
  auto s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    auto found = tx.FindServiceRequest(id);
    if (!found.ok()) return found.status();
    if (!*found) {
      return absl::NotFoundError(absl::StrCat("no service request ", id));
    }
    store::ServiceRequestRecord r = **found;
    if (!decline && r.submitter_id != actor.user_id) {
      return absl::PermissionDeniedError(
          "only the person who submitted a print request withdraws it");
    }
    if (r.state != ServiceRequestState::kWaiting) {
      auto v = ViewOf(tx, r);
      if (!v.ok()) return v.status();
      return absl::FailedPreconditionError(
          absl::StrCat("print request ", id, " is ", StateName(v->state),
                       decline ? "; only a waiting request is declined"
                               : "; only a waiting request is withdrawn"));
    }
    r.state = to;
    r.decided_at = clock_.Now();
    r.decided_by = decline ? actor.user_id : 0;
    r.decline_reason = reason;
    if (auto u = tx.UpdateServiceRequest(r); !u.ok()) return u;
    auto e = audit::Append(
        tx,
        {actor.login, decline ? "service.decline" : "service.withdraw",
         absl::StrCat("service/", id), reason},
        *r.decided_at);
    if (!e.ok()) return e.status();
    auto v = ViewOf(tx, r);
    if (!v.ok()) return v.status();
    view = std::move(*v);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return *std::move(view);
}

absl::StatusOr<ServiceRequestView> ServiceQueue::Decline(
    const access::Actor& actor, int64_t id, const std::string& reason) {
  if (!actor.IsTrainerOrStaff()) {
    return absl::PermissionDeniedError(
        "only trainers and staff decline print requests");
  }
  if (auto s = validate::Text("reason", reason, 500, true); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        s.message(), "; the person who asked sees it, so say why"));
  }
  return Close(actor, id, ServiceRequestState::kDeclined, reason);
}

absl::StatusOr<ServiceRequestView> ServiceQueue::Withdraw(
    const access::Actor& actor, int64_t id) {
  return Close(actor, id, ServiceRequestState::kWithdrawn, "");
}

void ServiceQueue::AuditRefusal(const access::Actor& actor, int64_t id,
                                const absl::Status& why) {
  (void)store_.Write([&](store::Transaction& tx) {
    return audit::Append(
               tx,
               {actor.login, "service.start_refused",
                absl::StrCat("service/", id), std::string(why.message())},
               clock_.Now())
        .status();
  });
}

}  // namespace werkbank::print_service
