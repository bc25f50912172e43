// SPDX-License-Identifier: EUPL-1.2
// Jobs: upload (stored content-addressed by SHA-256), preflight against the
// machine's limits, and the run through the machine's controller. Only a job
// that passed preflight can start, and only its owner starts it.
//
// Thread-safe.
#ifndef WERKBANK_SERVICES_MACHINES_JOB_SERVICE_H_
#define WERKBANK_SERVICES_MACHINES_JOB_SERVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "machine_manager.h"
#include "program_upload.h"
#include "werkbank/v1/jobs.pb.h"

namespace werkbank::machines {

struct JobView {
  store::JobRecord record;
  std::string owner_login;
  v1::PreflightReport preflight;
};

// A program stored under its hash, with its preflight against one machine.
struct StoredProgram {
  std::string sha256;
  int64_t size_bytes = 0;
  int64_t line_count = 0;
  double estimated_seconds = 0;
  int64_t violation_count = 0;  // all of them; the report lists the first
  v1::PreflightReport report;
};

class JobService {
 public:
  JobService(store::Store& store, const Clock& clock, const v1::Config& config,
             std::string jobs_dir);
  void set_machines(MachineManager* machines) { machines_ = machines; }

  // Checks an upload's header and the user's limits and opens the upload:
  // the caller feeds it the file's bytes (ProgramUpload::Append, which
  // enforces the size limit as they arrive) and then calls FinishUpload.
  absl::StatusOr<std::unique_ptr<ProgramUpload>> BeginUpload(
      const access::Actor& actor, const std::string& machine_id,
      const std::string& file_name);
  // Ends the upload: the preflight's result, the dry run on the machine if
  // asked (GRBL `$C`, programs of at most kMaxDryRunLines), the file stored
  // durably as <sha256>.gcode, then the job's record. A failed preflight is
  // stored too (state REJECTED) so the user sees every violation with its
  // line.
  absl::StatusOr<JobView> FinishUpload(const access::Actor& actor,
                                       const std::string& machine_id,
                                       const std::string& file_name,
                                       ProgramUpload& upload,
                                       bool dry_run = false);
  // The parts of an upload for callers that keep their own records (the
  // print service): OpenUpload checks nothing of the person (callers apply
  // their own limits) and checks against `machine_id`'s limits;
  // StoreProgram runs the preflight's report and the dry run if asked and
  // stores the file durably under its hash.
  absl::StatusOr<std::unique_ptr<ProgramUpload>> OpenUpload(
      const std::string& machine_id);
  absl::StatusOr<StoredProgram> StoreProgram(const std::string& machine_id,
                                             ProgramUpload& upload,
                                             bool dry_run = false);
  // Checks a stored program again against `machine_id`'s limits (it was
  // checked against another machine of the class). DATA_LOSS when the file
  // is missing or no longer has its hash.
  absl::StatusOr<StoredProgram> RecheckStored(const std::string& machine_id,
                                              const std::string& sha256);
  // The dry run holds the program's lines in memory (and the machine checks
  // a few hundred a second): longer programs are refused one.
  static constexpr int64_t kMaxDryRunLines = 50000;
  absl::StatusOr<JobView> Get(const access::Actor& actor, int64_t id);
  absl::StatusOr<std::vector<JobView>> List(const access::Actor& actor,
                                            const std::string& machine_id,
                                            bool all_users);
  // Refusals that need no file come first (state, unlock, the reservation's
  // time against the stored estimate); then the stored program's hash is
  // checked by streaming it, and the machine reads its lines from disk in
  // chunks while it runs.
  absl::StatusOr<JobView> Start(
      const access::Actor& actor, int64_t id,
      const std::vector<std::string>& confirmed_interlocks);
  // The print service: `actor` (a trainer or staff) starts a job owned by
  // someone else, under their own unlock, with every other check of Start.
  absl::StatusOr<JobView> StartOnBehalf(
      const access::Actor& actor, int64_t id,
      const std::vector<std::string>& confirmed_interlocks);
  // Each answers with the job as it is once the machine took the request:
  // paused, running again, or cancelled (no line of it goes out any more).
  absl::StatusOr<JobView> Pause(const access::Actor& actor, int64_t id);
  absl::StatusOr<JobView> Resume(const access::Actor& actor, int64_t id);
  absl::StatusOr<JobView> Cancel(const access::Actor& actor, int64_t id,
                                 const std::string& reason);

  // For the machine controllers: the write that records a job's start,
  // progress or end. They queue it in order with the rest of what they
  // record (store::WriteQueue), never waiting for the database.
  static store::WriteBody RecordOf(const JobUpdate& update);

  // Invariant 4 at start-up: every job found running is marked interrupted.
  absl::StatusOr<int> InterruptRunningJobs();

  static const char* StateName(store::JobState state);
  std::string ProgramPath(const std::string& sha256) const;

 private:
  absl::StatusOr<JobView> Load(int64_t id);
  absl::StatusOr<JobView> StartChecked(
      const access::Actor& actor, int64_t id,
      const std::vector<std::string>& confirmed_interlocks, bool owner_only);
  // The machine checks the program in `$C` mode; its errors join `report`.
  absl::Status DryRun(const std::string& machine_id, const std::string& path,
                      int64_t lines, v1::PreflightReport& report);
  void AuditRefusedStart(const access::Actor& actor, int64_t id,
                         const absl::Status& why);
  // A running job's record is written every few seconds; the machine knows
  // its state and progress now.
  void WithLiveProgress(store::JobRecord& job);
  absl::StatusOr<JobView> ForControl(const access::Actor& actor, int64_t id,
                                     MachineController** machine);

  store::Store& store_;
  const Clock& clock_;
  const v1::Config& config_;
  const std::string jobs_dir_;
  MachineManager* machines_ = nullptr;
};

}  // namespace werkbank::machines

#endif  // WERKBANK_SERVICES_MACHINES_JOB_SERVICE_H_
