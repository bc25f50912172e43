// SPDX-License-Identifier: EUPL-1.2
// One machine: its connection, its state and every transition of it. A
// supervisor thread per machine connects (with backoff), drives the machine
// to its safe state on every connect, follows the running job, and enforces
// the interlocks that depend on time (reservation end, presence).
//
// States (docs/design.md): offline, locked, unlocked(user, reservation),
// running, paused, fault(reason), blocked. Every change goes through
// Transition(), the one place that decides and audits it. Nothing resumes by
// itself: a held job waits for Resume() from a person; a fault waits for staff.
//
// The controller never writes to the database while it holds its lock: what
// it records (audit events, job progress) goes to a WriteQueue in order, so a
// busy database cannot delay an interlock or a stop. A person's request is
// answered once its record is durable (waiting outside the lock); an
// emergency stop is answered as soon as the stop is on the wire.
//
// Thread-safe.
#ifndef WERKBANK_SERVICES_MACHINES_MACHINE_CONTROLLER_H_
#define WERKBANK_SERVICES_MACHINES_MACHINE_CONTROLLER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "base/mutex.h"
#include "change_signal.h"
#include "drivers/stream/streamer.h"
#include "machine_states.h"
#include "services/access/actor.h"
#include "services/common/clock.h"
#include "services/events/event_sink.h"
#include "services/store/store.h"
#include "services/store/write_queue.h"
#include "thermal_monitor.h"
#include "visible_state.h"
#include "werkbank/v1/config.pb.h"

namespace werkbank::machines {

// Opens the machine's port and returns a streamer speaking its protocol.
using Connector =
    std::function<absl::StatusOr<std::unique_ptr<stream::Streamer>>()>;

struct UnlockGrant {
  int64_t user_id = 0;
  std::string login;
  std::string token_hash;            // the session that unlocked
  int64_t reservation_id = 0;        // 0: staff without a reservation
  bool workshop = false;             // participants below may run jobs too
  bool qualification_based = false;  // rests on the user's qualification
  std::vector<int64_t> participant_ids;
  absl::Time until;
};

struct InterlockView {
  std::string kind;
  bool satisfied = true;
  std::string detail;
};

struct JobProgress {
  int64_t job_id = 0;
  std::string owner_login;
  int64_t lines_done = 0;
  int64_t lines_total = 0;
  absl::Time started;
  double estimated_seconds = 0;
  std::string state;  // "running", "paused"
  std::string message;
  absl::Duration held;  // paused so far, for the run time
};

// A change in a job's run, for its record: started, progress, held,
// resumed, ended.
struct JobUpdate {
  int64_t job_id = 0;
  store::JobState state = store::JobState::kCompleted;
  std::string reason;
  int64_t lines_done = 0;
  bool started = false;  // the run began just now
  absl::Time at;
  // Set when it ended: how long it ran, held time left out.
  std::optional<double> run_seconds;
};

struct MachineSnapshot {
  std::string id, name, machine_class, protocol;
  State state = State::kOffline;
  std::string fault_reason;
  std::string block_reason;
  std::optional<UnlockGrant> unlock;
  std::optional<JobProgress> job;
  // How the last job ended; its record may still be on its way to the
  // database.
  std::optional<JobUpdate> last_job_end;
  std::vector<InterlockView> interlocks;
  double hotend = 0, hotend_target = 0, bed = 0, bed_target = 0;
  std::array<double, 3> position = {0, 0, 0};
  std::string firmware_state;  // as the driver reports it
  absl::Time since;
};

// A job about to run, checked by the JobService.
struct JobStart {
  int64_t job_id = 0;
  int64_t owner_id = 0;
  std::string owner_login;
  // The job's lines, read as the machine takes them (a stored program is
  // read from disk in chunks).
  std::unique_ptr<stream::LineSource> lines;
  double estimated_seconds = 0;
  std::vector<std::string> confirmed_interlocks;  // source "user" interlocks
};

class MachineController {
 public:
  // Turns a job update into the write that records it (the JobService's).
  using JobRecorder = std::function<store::WriteBody(const JobUpdate&)>;

  MachineController(const v1::MachineConfig& config, const v1::JobsConfig& jobs,
                    Connector connect, store::WriteQueue& records,
                    const Clock& clock, JobRecorder record_job);
  ~MachineController() ABSL_LOCKS_EXCLUDED(mu_);

  // Starts the supervisor thread. `blocked` restores a maintenance block.
  void Start(std::optional<std::string> blocked) ABSL_LOCKS_EXCLUDED(mu_);

  // What a person would see changing is signalled to `changes` (a state
  // transition, a decided request, a progress step, a degree). Call before
  // Start().
  void NotifyChangesTo(ChangeSignal* changes) { changes_ = changes; }
  // Jobs started and ended, holds, trips, faults and stops are published to
  // `sink` (which never blocks). Call before Start().
  void PublishEventsTo(events::EventSink* sink) { events_ = sink; }

  const v1::MachineConfig& config() const { return config_; }
  MachineSnapshot Snapshot() ABSL_LOCKS_EXCLUDED(mu_);
  // How fast the machine moves as its firmware reported it at connect
  // (GRBL's `$$`); empty while it is offline.
  stream::MotionSettings ReportedMotion() ABSL_LOCKS_EXCLUDED(mu_);

  absl::Status Unlock(const access::Actor& actor, const UnlockGrant& grant)
      ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status Lock(const access::Actor& actor, const std::string& why)
      ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status Block(const access::Actor& actor, const std::string& reason)
      ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status Unblock(const access::Actor& actor) ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status AcknowledgeFault(const access::Actor& actor,
                                const std::string& note)
      ABSL_LOCKS_EXCLUDED(mu_);

  // The machine must be unlocked for `actor` (or a workshop they attend),
  // inside the unlock's time, idle and with every interlock satisfied.
  absl::Status StartJob(const access::Actor& actor, JobStart job)
      ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status Pause(const access::Actor& actor, int64_t job_id)
      ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status Resume(const access::Actor& actor, int64_t job_id)
      ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status Cancel(const access::Actor& actor, int64_t job_id,
                      const std::string& reason) ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status EmergencyStop(const access::Actor& actor,
                             const std::string& reason)
      ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status ConfirmPresence(const access::Actor& actor)
      ABSL_LOCKS_EXCLUDED(mu_);
  // GRBL only: streams `lines` in `$C` check mode — nothing moves, the laser
  // stays off — and returns GRBL's errors as (line index, message). The
  // machine must be connected and idle.
  absl::StatusOr<std::vector<std::pair<int64_t, std::string>>> DryRun(
      const std::vector<std::string>& lines, absl::Duration timeout)
      ABSL_LOCKS_EXCLUDED(mu_);
  // The daemon stops (SIGTERM): the machine goes into its safe state, a job
  // ends as interrupted, and this waits (bounded) until the firmware took it.
  void SafeStop(const std::string& why) ABSL_LOCKS_EXCLUDED(mu_);
  // What the unlock rests on is gone (reservation cancelled, qualification
  // revoked, account disabled) when `rests_on` says so: the machine locks; a
  // running print may finish, a running laser is held.
  void Withdraw(const std::function<bool(const UnlockGrant&)>& rests_on,
                const std::string& why) ABSL_LOCKS_EXCLUDED(mu_);
  // The session that unlocked the machine ended (logout): lock it.
  void SessionEnded(const std::string& token_hash) ABSL_LOCKS_EXCLUDED(mu_);
  // Every session of this user ended (revoked by staff, or the account was
  // disabled): lock what the user had unlocked.
  void UserSessionsEnded(int64_t user_id) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Loop() ABSL_LOCKS_EXCLUDED(mu_);
  void Tick(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Wakes the watchers when what the dashboard shows differs from before.
  void SignalIfVisiblyChanged() ABSL_LOCKS_EXCLUDED(mu_);
  void TryConnect(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void FollowConnect(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void CheckFirmwareAlarm() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void CheckDoor() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool IsLaser() const;
  bool DoorInput() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The door as the machine last reported it: nullopt for a machine without
  // a door input, or one that has not reported yet.
  static std::optional<bool> DoorOpen(stream::Streamer* link);
  void FollowJob(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Heater policy of a held job: lower the heaters once it was paused for
  // jobs.paused_heaters_off_minutes; Resume() restores them.
  void LowerHeatersWhilePaused(absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void CheckTimeInterlocks(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Host-side thermal check (ThermalMonitor) for machines with heaters.
  void CheckThermal(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Sends the configured action of interlock `kind` ahead of the queue.
  void Trip(v1::InterlockConfig::Kind kind, const std::string& reason)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Transition(State to, const std::string& actor, const std::string& why)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Queue the audit event / the job's record; neither waits.
  void Audit(const std::string& actor, const std::string& action,
             const std::string& detail) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RecordJob(store::JobState state, const std::string& reason,
                 bool started = false) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Hands an event to the sink, if any; never waits. `job` 0: none.
  void Publish(events::Kind kind, int64_t job,
               std::vector<std::pair<std::string, std::string>> text = {},
               std::vector<std::pair<std::string, int64_t>> numbers = {})
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // How long a person's answer waits for the record of what was done.
  enum class RecordWait {
    kDurable,  // until durable (up to 12 s; then "done, not yet recorded")
    kBrief,    // up to 2 s, then answer anyway (an emergency stop)
  };
  // Runs a person's request under the lock, then waits (unlocked) for what
  // it recorded.
  absl::Status Decide(const std::function<absl::Status()>& decide,
                      RecordWait wait = RecordWait::kDurable)
      ABSL_LOCKS_EXCLUDED(mu_);
  void EndJob(store::JobState state, const std::string& reason)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void DropLink(const std::string& reason) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  v1::InterlockConfig::Action InterlockAction(
      v1::InterlockConfig::Kind kind) const;
  bool HasInterlock(v1::InterlockConfig::Kind kind) const;
  bool MayRunJobs(const access::Actor& actor) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const v1::MachineConfig config_;
  const v1::JobsConfig jobs_;
  Connector connect_;
  store::WriteQueue& records_;
  const Clock& clock_;
  JobRecorder record_job_;

  Mutex mu_;
  // Shared so that a dry run waiting outside the lock keeps its link alive.
  std::shared_ptr<stream::Streamer> link_ ABSL_GUARDED_BY(mu_);
  bool link_ready_ ABSL_GUARDED_BY(mu_) = false;  // the handshake answered
  std::string offline_reason_ ABSL_GUARDED_BY(mu_);
  bool door_escalated_ ABSL_GUARDED_BY(mu_) = false;
  ThermalMonitor thermal_ ABSL_GUARDED_BY(mu_);
  State state_ ABSL_GUARDED_BY(mu_) = State::kOffline;
  absl::Time since_ ABSL_GUARDED_BY(mu_);
  std::string fault_reason_ ABSL_GUARDED_BY(mu_);
  std::optional<std::string> block_reason_ ABSL_GUARDED_BY(mu_);
  std::optional<UnlockGrant> unlock_ ABSL_GUARDED_BY(mu_);
  std::optional<JobProgress> job_ ABSL_GUARDED_BY(mu_);
  std::optional<JobUpdate> last_job_end_ ABSL_GUARDED_BY(mu_);
  absl::Time next_connect_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Duration backoff_ ABSL_GUARDED_BY(mu_) = absl::Seconds(1);
  absl::Time last_presence_ ABSL_GUARDED_BY(mu_);
  absl::Time paused_at_ ABSL_GUARDED_BY(mu_);
  bool heaters_lowered_ ABSL_GUARDED_BY(mu_) = false;
  bool dry_running_ ABSL_GUARDED_BY(mu_) = false;
  // Staff acknowledged a fault: lift GRBL's alarm lock in the next session.
  bool unlock_alarm_on_connect_ ABSL_GUARDED_BY(mu_) = false;
  bool end_warning_sent_ ABSL_GUARDED_BY(mu_) = false;
  // For the job.held event: a person paused the job; an interlock tripped
  // since the last hold (so the hold is already published as a trip).
  bool held_by_person_ ABSL_GUARDED_BY(mu_) = false;
  bool tripped_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time last_progress_save_ ABSL_GUARDED_BY(mu_);
  store::WriteQueue::Ticket last_record_ ABSL_GUARDED_BY(mu_) = 0;
  ChangeSignal* changes_ = nullptr;      // set before the thread starts
  events::EventSink* events_ = nullptr;  // set before the thread starts
  VisibleState last_visible_;            // the supervisor thread's own
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace werkbank::machines

#endif  // WERKBANK_SERVICES_MACHINES_MACHINE_CONTROLLER_H_
