// Jobs: upload (stored content-addressed by SHA-256), preflight against the
// machine's limits, and the run through the machine's controller. Only a job
// that passed preflight can start, and only its owner starts it.
//
// Thread-safe.
#ifndef WERKBANK_SERVICES_MACHINES_JOB_SERVICE_H_
#define WERKBANK_SERVICES_MACHINES_JOB_SERVICE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "machine_manager.h"
#include "werkbank/v1/jobs.pb.h"

namespace werkbank::machines {

struct JobView {
  store::JobRecord record;
  std::string owner_login;
  v1::PreflightReport preflight;
};

class JobService {
 public:
  JobService(store::Store& store, const Clock& clock, const v1::Config& config,
             std::string jobs_dir);
  void set_machines(MachineManager* machines) { machines_ = machines; }

  // Stores the program and runs preflight; a failed preflight is stored too
  // (state REJECTED) so the user sees every violation with its line.
  absl::StatusOr<JobView> Upload(const access::Actor& actor,
                                 const std::string& machine_id,
                                 const std::string& file_name,
                                 const std::string& content,
                                 bool dry_run = false);
  absl::StatusOr<JobView> Get(const access::Actor& actor, int64_t id);
  absl::StatusOr<std::vector<JobView>> List(const access::Actor& actor,
                                            const std::string& machine_id,
                                            bool all_users);
  absl::StatusOr<JobView> Start(
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

 private:
  absl::StatusOr<JobView> Load(int64_t id);
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
