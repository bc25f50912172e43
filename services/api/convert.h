// SPDX-License-Identifier: EUPL-1.2
// Translation between domain records and API messages.
#ifndef WERKBANK_SERVICES_API_CONVERT_H_
#define WERKBANK_SERVICES_API_CONVERT_H_

#include <google/protobuf/timestamp.pb.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/access/trainings.h"
#include "services/booking/booking_service.h"
#include "services/machines/job_service.h"
#include "services/machines/machine_controller.h"
#include "services/store/records.h"
#include "werkbank/v1/accounts.pb.h"
#include "werkbank/v1/audit.pb.h"
#include "werkbank/v1/bookings.pb.h"
#include "werkbank/v1/jobs.pb.h"
#include "werkbank/v1/machines.pb.h"
#include "werkbank/v1/trainings.pb.h"

namespace werkbank::api {

google::protobuf::Timestamp ToProto(absl::Time t);
// INVALID_ARGUMENT naming `field` when unset or outside Timestamp's range.
absl::StatusOr<absl::Time> FromProto(const google::protobuf::Timestamp& ts,
                                     bool present, const std::string& field);

uint32_t RolesFromProto(const google::protobuf::RepeatedField<int>& roles);
void RolesToProto(uint32_t roles, google::protobuf::RepeatedField<int>* out);

v1::User ToProto(const store::UserRecord& u);
v1::Briefing ToProto(const access::BriefingView& b);
v1::Qualification ToProto(const access::QualificationView& q);
v1::Reservation ToProto(const booking::ReservationView& r);
v1::AuditEvent ToProto(const store::AuditRecord& e);
v1::Machine ToProto(const machines::MachineSnapshot& m);
v1::Job ToProto(const machines::JobView& j);
v1::JobProgress ToProto(const machines::JobProgress& p, absl::Time now);

}  // namespace werkbank::api

#endif  // WERKBANK_SERVICES_API_CONVERT_H_
