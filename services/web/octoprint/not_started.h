// SPDX-License-Identifier: EUPL-1.2
// The sentence a slicer shows when an upload was kept but did not start:
// what happened and what the person does next, worked out from the start's
// refusal and what they may read about themselves (reservations,
// briefings, roles) and the machine.
#ifndef WERKBANK_SERVICES_WEB_OCTOPRINT_NOT_STARTED_H_
#define WERKBANK_SERVICES_WEB_OCTOPRINT_NOT_STARTED_H_

#include <grpcpp/support/status.h>

#include <string>

#include "absl/time/time.h"
#include "werkbank/v1/accounts.pb.h"
#include "werkbank/v1/bookings.pb.h"
#include "werkbank/v1/machines.pb.h"
#include "werkbank/v1/trainings.pb.h"

namespace werkbank::web::octoprint {

// What is known besides the refusal; any pointer may be null (its read
// failed), and the sentence says less then.
struct StartContext {
  const v1::Machine* machine = nullptr;
  const v1::ListReservationsResponse* reservations = nullptr;
  const v1::ListQualificationsResponse* qualifications = nullptr;
  const v1::User* me = nullptr;
  absl::Time now;
};

std::string NotStartedSentence(int64_t job_id, const std::string& machine_id,
                               const grpc::Status& refusal,
                               const StartContext& context);

}  // namespace werkbank::web::octoprint

#endif  // WERKBANK_SERVICES_WEB_OCTOPRINT_NOT_STARTED_H_
