// SPDX-License-Identifier: EUPL-1.2
// The print service queue: anyone logged in asks the lab to print a file on
// a machine class (no qualification needed); trainers and staff start a
// request as a job on a machine of the class under their own unlock (the
// job keeps the submitter as its owner), or decline it with a reason the
// submitter sees; the submitter may withdraw it while it waits.
//
// The file goes through the jobs' upload path (streamed to disk, size limit,
// preflight against the class's first machine) and is checked again against
// the machine it is started on.
//
// Thread-safe.
#ifndef WERKBANK_SERVICES_PRINT_SERVICE_SERVICE_QUEUE_H_
#define WERKBANK_SERVICES_PRINT_SERVICE_SERVICE_QUEUE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/access/actor.h"
#include "services/common/clock.h"
#include "services/machines/job_service.h"
#include "services/machines/machine_manager.h"
#include "services/store/store.h"
#include "werkbank/v1/config.pb.h"
#include "werkbank/v1/service_requests.pb.h"

namespace werkbank::print_service {

struct ServiceRequestView {
  store::ServiceRequestRecord record;
  std::string submitter_login;
  std::string started_by_login;  // or who declined it
  v1::PreflightReport preflight;
  std::optional<store::JobRecord> job;  // once started
  // Waiting, declined and withdrawn as stored; a started request follows
  // its job (done, failed).
  v1::ServiceRequestState state = v1::SERVICE_REQUEST_STATE_UNSPECIFIED;
};

class ServiceQueue {
 public:
  ServiceQueue(store::Store& store, const Clock& clock,
               const v1::Config& config, machines::JobService& jobs,
               machines::MachineManager& machines);

  // Checks the header and the person's limit of waiting requests and opens
  // the upload; the caller feeds it the file (ProgramUpload::Append) and
  // calls FinishSubmit. NOT_FOUND for an unknown class, RESOURCE_EXHAUSTED
  // at the limit.
  absl::StatusOr<std::unique_ptr<machines::ProgramUpload>> BeginSubmit(
      const access::Actor& actor, const std::string& machine_class,
      const std::string& file_name, const std::string& note);
  // Stores the file and queues the request. A file that fails preflight is
  // refused (FAILED_PRECONDITION naming the first problems); nothing is
  // queued.
  absl::StatusOr<ServiceRequestView> FinishSubmit(
      const access::Actor& actor, const std::string& machine_class,
      const std::string& file_name, const std::string& note,
      machines::ProgramUpload& upload);

  // Participants see their own; trainers and staff everybody's unless
  // `mine`. Newest first.
  absl::StatusOr<std::vector<ServiceRequestView>> List(
      const access::Actor& actor, bool mine, v1::ServiceRequestState state,
      const std::string& machine_class);
  absl::StatusOr<ServiceRequestView> Get(const access::Actor& actor,
                                         int64_t id);

  // Trainers and staff: a waiting request runs on `machine_id` (of its
  // class), which the actor has unlocked and is qualified for, with the
  // interlocks they confirm. Refused like any job start otherwise; the
  // request keeps waiting then.
  absl::StatusOr<ServiceRequestView> Start(
      const access::Actor& actor, int64_t id, const std::string& machine_id,
      const std::vector<std::string>& confirmed_interlocks);
  absl::StatusOr<ServiceRequestView> Decline(const access::Actor& actor,
                                             int64_t id,
                                             const std::string& reason);
  // The submitter, while it waits.
  absl::StatusOr<ServiceRequestView> Withdraw(const access::Actor& actor,
                                              int64_t id);

  static const char* StateName(v1::ServiceRequestState state);
  // Waiting, declined and withdrawn as stored; a started request follows
  // `job`, its job (done, failed).
  static v1::ServiceRequestState StateOf(
      const store::ServiceRequestRecord& r,
      const std::optional<store::JobRecord>& job);

 private:
  absl::StatusOr<ServiceRequestView> Load(int64_t id);
  absl::StatusOr<ServiceRequestView> ViewOf(store::Transaction& tx,
                                            store::ServiceRequestRecord r);
  // Waiting -> declined / withdrawn, decided in one transaction with its
  // audit event.
  absl::StatusOr<ServiceRequestView> Close(const access::Actor& actor,
                                           int64_t id,
                                           store::ServiceRequestState to,
                                           const std::string& reason);
  // A refused start: the job made for it is cancelled, the request waits
  // again, and the refusal is audited.
  void UndoStart(const access::Actor& actor, int64_t request_id, int64_t job_id,
                 const absl::Status& why);
  void AuditRefusal(const access::Actor& actor, int64_t id,
                    const absl::Status& why);

  store::Store& store_;
  const Clock& clock_;
  const v1::Config& config_;
  machines::JobService& jobs_;
  machines::MachineManager& machines_;
};

}  // namespace werkbank::print_service

#endif  // WERKBANK_SERVICES_PRINT_SERVICE_SERVICE_QUEUE_H_
