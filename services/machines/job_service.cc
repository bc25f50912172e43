// SPDX-License-Identifier: EUPL-1.2
// Jobs; see job_service.h.
#include "job_service.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "drivers/gcode/analysis.h"
#include "program_file.h"
#include "services/access/accounts.h"
#include "services/audit/audit_log.h"
#include "services/common/utf8.h"
#include "services/common/validate.h"
#include "services/config/lookup.h"
#include "services/config/machine_limits.h"
#include "start_precheck.h"

namespace werkbank::machines {
namespace {

// As MachineController::IsLaser: the kind, else the protocol decides.
bool IsLaser(const v1::Config& config, const std::string& machine_id) {
  for (const auto& m : config.machines()) {
    if (m.id() != machine_id) continue;
    if (!m.kind().empty()) return m.kind() == "laser";
    return m.protocol() == "grbl";
  }
  return false;
}

v1::PreflightReport Report(const gcode::Analysis& a) {
  v1::PreflightReport r;
  r.set_passed(a.passed());
  for (const auto& v : a.violations) {
    if (r.violations_size() >= 200) break;  // enough to act on
    auto* p = r.add_violations();
    p->set_line(static_cast<int32_t>(v.line));
    p->set_rule(v.rule);
    p->set_message(utf8::EscapeInvalid(v.message));  // may quote raw G-code
  }
  r.set_line_count(a.line_count);
  r.set_estimated_seconds(a.estimated_seconds);
  for (int k = 0; k < 3; ++k) {
    r.add_bbox_min(a.min[static_cast<size_t>(k)]);
    r.add_bbox_max(a.max[static_cast<size_t>(k)]);
  }
  r.set_max_laser_power(a.max_laser_power);
  r.set_max_hotend_c(a.max_hotend_c);
  r.set_max_bed_c(a.max_bed_c);
  return r;
}

bool Terminal(store::JobState s) {
  return s == store::JobState::kCompleted || s == store::JobState::kCancelled ||
         s == store::JobState::kFailed || s == store::JobState::kInterrupted;
}

}  // namespace

const char* JobService::StateName(store::JobState s) {
  switch (s) {
    case store::JobState::kUploaded:
      return "uploaded";
    case store::JobState::kQueued:
      return "queued";
    case store::JobState::kRunning:
      return "running";
    case store::JobState::kPaused:
      return "paused";
    case store::JobState::kCompleted:
      return "completed";
    case store::JobState::kCancelled:
      return "cancelled";
    case store::JobState::kFailed:
      return "failed";
    case store::JobState::kInterrupted:
      return "interrupted";
    case store::JobState::kRejected:
      return "rejected";
  }
  return "?";
}

JobService::JobService(store::Store& store, const Clock& clock,
                       const v1::Config& config, std::string jobs_dir)
    : store_(store),
      clock_(clock),
      config_(config),
      jobs_dir_(std::move(jobs_dir)) {}

absl::StatusOr<JobView> JobService::Load(int64_t id) {
  JobView view;
  bool found = false;
  auto s = store_.Read([&](store::Transaction& tx) -> absl::Status {
    auto job = tx.FindJob(id);
    if (!job.ok()) return job.status();
    if (!*job) return absl::OkStatus();
    found = true;
    view.record = **job;
    auto owner = access::LoginsOf(tx, {view.record.owner_id});
    if (!owner.ok()) return owner.status();
    view.owner_login = (*owner)[0];
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (!found) return absl::NotFoundError(absl::StrCat("no job ", id));
  view.preflight.ParseFromString(view.record.preflight);
  WithLiveProgress(view.record);
  return view;
}

void JobService::WithLiveProgress(store::JobRecord& job) {
  if (machines_ == nullptr || (job.state != store::JobState::kRunning &&
                               job.state != store::JobState::kPaused)) {
    return;
  }
  auto machine = machines_->Find(job.machine_id);
  if (!machine.ok()) return;
  const MachineSnapshot now = (*machine)->Snapshot();
  if (now.job && now.job->job_id == job.id) {
    job.state = now.job->state == "paused" ? store::JobState::kPaused
                                           : store::JobState::kRunning;
    job.lines_done = now.job->lines_done;
  } else if (now.last_job_end && now.last_job_end->job_id == job.id) {
    // Ended, and the record has not reached the database yet.
    job.state = now.last_job_end->state;
    job.lines_done = now.last_job_end->lines_done;
    job.finished_at = now.last_job_end->at;
    job.end_reason = now.last_job_end->reason;
    job.run_seconds = now.last_job_end->run_seconds;
  }
}

std::string JobService::ProgramPath(const std::string& sha256) const {
  return absl::StrCat(jobs_dir_, "/", sha256, ".gcode");
}

absl::StatusOr<std::unique_ptr<ProgramUpload>> JobService::BeginUpload(
    const access::Actor& actor, const std::string& machine_id,
    const std::string& file_name) {
  const v1::MachineConfig* machine = config::FindMachine(config_, machine_id);
  if (machine == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("unknown machine \"", machine_id.substr(0, 40),
                     "\"; the lab has: ", config::MachineIds(config_)));
  }
  // The name is shown to people only; it never becomes a path.
  if (auto s = validate::Text("file name", file_name, 200, true); !s.ok())
    return s;
  int pending = 0;
  auto counted = store_.Read([&](store::Transaction& tx) -> absl::Status {
    auto mine = tx.ListJobs("", actor.user_id, 1000);
    if (!mine.ok()) return mine.status();
    for (const auto& j : *mine)
      pending += j.state == store::JobState::kUploaded ? 1 : 0;
    return absl::OkStatus();
  });
  if (!counted.ok()) return counted;
  if (pending >= config_.jobs().max_pending_jobs_per_user()) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "you have ", pending, " uploaded jobs that have not run; the limit is ",
        config_.jobs().max_pending_jobs_per_user()));
  }
  return OpenUpload(machine_id);
}

absl::StatusOr<std::unique_ptr<ProgramUpload>> JobService::OpenUpload(
    const std::string& machine_id) {
  const v1::MachineConfig* machine = config::FindMachine(config_, machine_id);
  if (machine == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("unknown machine \"", machine_id.substr(0, 40),
                     "\"; the lab has: ", config::MachineIds(config_)));
  }
  // The estimate uses the rates the machine reported where the config gives
  // none.
  stream::MotionSettings reported;
  if (machines_ != nullptr) {
    if (auto c = machines_->Find(machine_id); c.ok()) {
      reported = (*c)->ReportedMotion();
    }
  }
  return ProgramUpload::Create(jobs_dir_, config::LimitsOf(*machine, reported),
                               config_.jobs().max_upload_bytes());
}

absl::Status JobService::DryRun(const std::string& machine_id,
                                const std::string& path, int64_t lines,
                                v1::PreflightReport& report) {
  if (lines > kMaxDryRunLines) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "a dry run on the machine checks at most ", kMaxDryRunLines,
        " lines and this program has ", lines,
        "; upload it without the dry run (the preflight checked every line) "
        "or split it"));
  }
  auto m = machines_->Find(machine_id);
  if (!m.ok()) return m.status();
  ProgramFile program(path, lines);
  std::vector<std::string> codes;
  std::vector<int64_t> source_lines;
  for (std::string code; program.Next(code);) {
    codes.push_back(std::move(code));
    source_lines.push_back(program.source_line());
  }
  if (!program.status().ok()) return program.status();
  auto errors = (*m)->DryRun(codes, absl::Minutes(5));
  if (!errors.ok()) return errors.status();
  for (const auto& [index, message] : *errors) {
    auto* v = report.add_violations();
    v->set_line(static_cast<int32_t>(
        index >= 0 && static_cast<size_t>(index) < source_lines.size()
            ? source_lines[static_cast<size_t>(index)]
            : 0));
    v->set_rule("dry run");
    v->set_message(utf8::EscapeInvalid(
        absl::StrCat("the laser rejects this line: ", message)));
  }
  if (!errors->empty()) report.set_passed(false);
  return absl::OkStatus();
}

absl::StatusOr<StoredProgram> JobService::StoreProgram(
    const std::string& machine_id, ProgramUpload& upload, bool dry_run) {
  auto program = upload.Finish();
  if (!program.ok()) return program.status();
  const gcode::Analysis& analysis = program->analysis;
  StoredProgram stored{program->sha256,
                       program->size_bytes,
                       analysis.line_count,
                       analysis.estimated_seconds,
                       static_cast<int64_t>(analysis.violation_count),
                       Report(analysis)};
  if (dry_run && stored.report.passed()) {
    // The machine itself checks every line (`$C`): what GRBL would reject.
    auto s = DryRun(machine_id, upload.temp_path(), analysis.line_count,
                    stored.report);
    if (!s.ok()) return s;
  }
  // The program is durable under its name before its record exists.
  if (auto s = upload.Commit(); !s.ok()) return s;
  return stored;
}

absl::StatusOr<StoredProgram> JobService::RecheckStored(
    const std::string& machine_id, const std::string& sha256) {
  auto upload = OpenUpload(machine_id);
  if (!upload.ok()) return upload.status();
  // Read back in chunks like an upload arrives: memory stays bounded.
  const std::string path = ProgramPath(sha256);
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return absl::DataLossError(
        absl::StrCat("the stored program ", sha256.substr(0, 12),
                     " is missing; it has to be submitted again"));
  }
  std::string chunk(64 * 1024, '\0');
  absl::Status appended;
  while (appended.ok()) {
    const size_t n = std::fread(chunk.data(), 1, chunk.size(), f);
    if (n == 0) break;
    appended = (*upload)->Append(absl::string_view(chunk.data(), n));
  }
  const bool read_error = std::ferror(f) != 0;
  std::fclose(f);
  if (!appended.ok()) return appended;
  if (read_error) {
    return absl::DataLossError(
        absl::StrCat("cannot read the stored program ", sha256.substr(0, 12)));
  }
  auto stored = StoreProgram(machine_id, **upload);
  if (!stored.ok()) return stored.status();
  if (stored->sha256 != sha256) {
    return absl::DataLossError(
        absl::StrCat("the stored program ", sha256.substr(0, 12),
                     " is damaged; it has to be submitted again"));
  }
  return stored;
}

absl::StatusOr<JobView> JobService::FinishUpload(const access::Actor& actor,
                                                 const std::string& machine_id,
                                                 const std::string& file_name,
                                                 ProgramUpload& upload,
                                                 bool dry_run) {
  auto program = StoreProgram(machine_id, upload, dry_run);
  if (!program.ok()) return program.status();
  const v1::PreflightReport& report = program->report;
  store::JobRecord job;
  job.machine_id = machine_id;
  job.owner_id = actor.user_id;
  job.file_name = file_name;
  job.sha256 = program->sha256;
  job.size_bytes = program->size_bytes;
  job.state =
      report.passed() ? store::JobState::kUploaded : store::JobState::kRejected;
  job.preflight = report.SerializeAsString();
  job.line_count = program->line_count;
  job.estimated_seconds = program->estimated_seconds;
  job.created_at = clock_.Now();
  auto s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    auto id = tx.InsertJob(job);
    if (!id.ok()) return id.status();
    job.id = *id;
    return audit::Append(
               tx,
               {actor.login, "job.upload", absl::StrCat("job/", job.id),
                absl::StrCat(
                    "machine=", machine_id, " sha256=", job.sha256,
                    " preflight=", report.passed() ? "passed" : "failed",
                    " violations=", program->violation_count, actor.Via())},
               job.created_at)
        .status();
  });
  if (!s.ok()) return s;
  return JobView{job, actor.login, report};
}

absl::StatusOr<JobView> JobService::Get(const access::Actor& actor,
                                        int64_t id) {
  auto view = Load(id);
  if (!view.ok()) return view;
  if (view->record.owner_id != actor.user_id && !actor.IsTrainerOrStaff()) {
    return absl::PermissionDeniedError("you may look at your own jobs only");
  }
  return view;
}

absl::StatusOr<std::vector<JobView>> JobService::List(
    const access::Actor& actor, const std::string& machine_id, bool all_users) {
  if (all_users && !actor.IsTrainerOrStaff()) {
    return absl::PermissionDeniedError(
        "only trainers and staff list everybody's jobs");
  }
  std::vector<JobView> out;
  auto s = store_.Read([&](store::Transaction& tx) -> absl::Status {
    auto jobs = tx.ListJobs(machine_id, all_users ? 0 : actor.user_id, 200);
    if (!jobs.ok()) return jobs.status();
    for (const auto& j : *jobs) {
      auto owner = access::LoginsOf(tx, {j.owner_id});
      if (!owner.ok()) return owner.status();
      JobView v{j, (*owner)[0], {}};
      v.preflight.ParseFromString(j.preflight);
      WithLiveProgress(v.record);
      out.push_back(std::move(v));
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<JobView> JobService::Start(
    const access::Actor& actor, int64_t id,
    const std::vector<std::string>& confirmed) {
  return StartChecked(actor, id, confirmed, /*owner_only=*/true);
}

absl::StatusOr<JobView> JobService::StartOnBehalf(
    const access::Actor& actor, int64_t id,
    const std::vector<std::string>& confirmed) {
  if (!actor.IsTrainerOrStaff()) {
    return absl::PermissionDeniedError(
        "only trainers and staff start a job for someone else");
  }
  return StartChecked(actor, id, confirmed, /*owner_only=*/false);
}

absl::StatusOr<JobView> JobService::StartChecked(
    const access::Actor& actor, int64_t id,
    const std::vector<std::string>& confirmed, bool owner_only) {
  auto view = Load(id);
  if (!view.ok()) return view;
  store::JobRecord& job = view->record;
  if (owner_only && job.owner_id != actor.user_id) {
    return absl::PermissionDeniedError(
        "only the person who uploaded a job starts it");
  }
  if (job.state == store::JobState::kRejected) {
    return absl::FailedPreconditionError(
        absl::StrCat("job ", id, " did not pass preflight (",
                     view->preflight.violations_size(), " problems, e.g. line ",
                     view->preflight.violations().empty()
                         ? 0
                         : view->preflight.violations(0).line(),
                     ": ",
                     view->preflight.violations().empty()
                         ? ""
                         : view->preflight.violations(0).message(),
                     ")"));
  }
  if (job.state == store::JobState::kRunning ||
      job.state == store::JobState::kPaused) {
    return absl::FailedPreconditionError(
        absl::StrCat("job ", id, " is already running"));
  }
  auto machine = machines_->Find(job.machine_id);
  if (!machine.ok()) return machine.status();
  // A key is a slicer far from the machine: a laser needs its operator
  // there, so it starts only from a session (the CLI or the web app).
  if (actor.ViaApiKey() && IsLaser(config_, job.machine_id)) {
    auto s = absl::FailedPreconditionError(
        absl::StrCat(job.machine_id,
                     " is a laser and never starts from a slicer; start "
                     "job ",
                     id, " at the machine (`werkbank job start ", id, "`)"));
    AuditRefusedStart(actor, id, s);
    return s;
  }
  // Cheap refusals first: nothing is read of a job that cannot run now.
  if (auto s = PrecheckStart((*machine)->Snapshot(), actor,
                             job.estimated_seconds, clock_.Now());
      !s.ok()) {
    AuditRefusedStart(actor, id, s);
    return s;
  }
  const std::string path = ProgramPath(job.sha256);
  if (auto s = VerifyProgram(path, job.sha256); !s.ok()) {
    return absl::DataLossError(absl::StrCat("the stored program of job ", id,
                                            " is missing or damaged (",
                                            s.message(), "); upload it again"));
  }
  JobStart start{
      id,
      actor.user_id,
      actor.login,
      std::make_unique<ProgramFile>(path, job.line_count, job.sha256),
      job.estimated_seconds,
      confirmed};
  if (auto s = (*machine)->StartJob(actor, std::move(start)); !s.ok()) {
    AuditRefusedStart(actor, id, s);
    return s;
  }
  // The controller recorded the start (RecordOf) in order with the rest of
  // the run; the answer shows it.
  job.state = store::JobState::kRunning;
  job.started_at = clock_.Now();
  job.finished_at.reset();
  job.end_reason.clear();
  job.lines_done = 0;
  return view;
}

void JobService::AuditRefusedStart(const access::Actor& actor, int64_t id,
                                   const absl::Status& why) {
  (void)store_.Write([&](store::Transaction& tx) {
    return audit::Append(
               tx,
               {actor.login, "job.start_refused", absl::StrCat("job/", id),
                absl::StrCat(why.message(), actor.Via())},
               clock_.Now())
        .status();
  });
}

absl::StatusOr<JobView> JobService::ForControl(const access::Actor& actor,
                                               int64_t id,
                                               MachineController** machine) {
  auto view = Load(id);
  if (!view.ok()) return view;
  if (view->record.owner_id != actor.user_id && !actor.IsTrainerOrStaff()) {
    return absl::PermissionDeniedError(
        "only the job's owner, a trainer or staff may pause, resume or cancel "
        "it");
  }
  auto m = machines_->Find(view->record.machine_id);
  if (!m.ok()) return m.status();
  *machine = *m;
  return view;
}

absl::StatusOr<JobView> JobService::Pause(const access::Actor& actor,
                                          int64_t id) {
  MachineController* m = nullptr;
  auto view = ForControl(actor, id, &m);
  if (!view.ok()) return view;
  if (auto s = m->Pause(actor, id); !s.ok()) return s;
  return Load(id);  // as it is now: paused
}

absl::StatusOr<JobView> JobService::Resume(const access::Actor& actor,
                                           int64_t id) {
  MachineController* m = nullptr;
  auto view = ForControl(actor, id, &m);
  if (!view.ok()) return view;
  if (auto s = m->Resume(actor, id); !s.ok()) return s;
  return Load(id);  // as it is now: running
}

absl::StatusOr<JobView> JobService::Cancel(const access::Actor& actor,
                                           int64_t id,
                                           const std::string& reason) {
  if (auto s = validate::Text("reason", reason, 500, false); !s.ok()) return s;
  MachineController* m = nullptr;
  auto view = ForControl(actor, id, &m);
  if (!view.ok()) return view;
  if (view->record.state == store::JobState::kUploaded ||
      view->record.state == store::JobState::kRejected) {
    view->record.state = store::JobState::kCancelled;
    view->record.end_reason =
        reason.empty() ? "cancelled before it ran" : reason;
    auto s = store_.Write([&](store::Transaction& tx) -> absl::Status {
      if (auto u = tx.UpdateJob(view->record); !u.ok()) return u;
      return audit::Append(tx,
                           {actor.login, "job.cancel", absl::StrCat("job/", id),
                            view->record.end_reason},
                           clock_.Now())
          .status();
    });
    if (!s.ok()) return s;
    return view;
  }
  if (auto s = m->Cancel(actor, id, reason); !s.ok()) return s;
  return Load(id);  // as it is now: cancelled
}

store::WriteBody JobService::RecordOf(const JobUpdate& update) {
  return [update](store::Transaction& tx) -> absl::Status {
    auto job = tx.FindJob(update.job_id);
    if (!job.ok()) return job.status();
    if (!*job) return absl::OkStatus();  // deleted meanwhile: nothing to note
    store::JobRecord r = **job;
    r.state = update.state;
    r.lines_done = update.lines_done;
    if (update.run_seconds) r.run_seconds = update.run_seconds;
    if (update.started) {
      r.started_at = update.at;
      r.run_seconds.reset();
      r.finished_at.reset();
      r.end_reason.clear();
    }
    if (Terminal(update.state)) {
      r.finished_at = update.at;
      r.end_reason = update.reason;
    }
    if (auto s = tx.UpdateJob(r); !s.ok()) return s;
    if (!Terminal(update.state)) return absl::OkStatus();
    return audit::Append(
               tx,
               {"system", absl::StrCat("job.", StateName(update.state)),
                absl::StrCat("job/", update.job_id),
                absl::StrCat(update.lines_done, " lines; ", update.reason)},
               update.at)
        .status();
  };
}

absl::StatusOr<int> JobService::InterruptRunningJobs() {
  int count = 0;
  const absl::Time now = clock_.Now();
  auto s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    for (store::JobState state :
         {store::JobState::kRunning, store::JobState::kPaused}) {
      auto jobs = tx.ListJobsInState(state);
      if (!jobs.ok()) return jobs.status();
      for (store::JobRecord j : *jobs) {
        j.state = store::JobState::kInterrupted;
        j.finished_at = now;
        j.end_reason =
            "werkbankd restarted during the job; it does not resume by itself";
        if (auto u = tx.UpdateJob(j); !u.ok()) return u;
        auto e = audit::Append(tx,
                               {"system", "job.interrupted",
                                absl::StrCat("job/", j.id), j.end_reason},
                               now);
        if (!e.ok()) return e.status();
        ++count;
      }
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return count;
}

}  // namespace werkbank::machines
