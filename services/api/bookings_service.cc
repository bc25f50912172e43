// SPDX-License-Identifier: EUPL-1.2
// Bookings RPCs -> booking::BookingService.
#include "convert.h"
#include "rpc_policy.h"
#include "services.h"
#include "services/config/lookup.h"
#include "status.h"

namespace werkbank::api {
namespace {

absl::StatusOr<std::pair<absl::Time, absl::Time>> RangeFromProto(
    const v1::TimeRange& range, bool present, const std::string& field) {
  if (!present) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  }
  auto start = FromProto(range.start(), range.has_start(), field + ".start");
  if (!start.ok()) return start.status();
  auto end = FromProto(range.end(), range.has_end(), field + ".end");
  if (!end.ok()) return end.status();
  return std::make_pair(*start, *end);
}

}  // namespace

grpc::Status BookingsService::GetLabInfo(grpc::ServerContext* ctx,
                                         const v1::GetLabInfoRequest*,
                                         v1::LabInfo* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Bookings/GetLabInfo");
  (void)actor;
  const v1::Config& cfg = domain_.config;
  resp->set_lab_name(cfg.lab_name());
  resp->set_time_zone(cfg.time_zone());
  for (const auto& c : cfg.machine_classes()) {
    v1::MachineClassInfo* info = resp->add_classes();
    info->set_name(c.name());
    info->set_display_name(c.display_name());
    info->set_qualification_valid_days(c.qualification_valid_days());
    v1::BookingRules* r = info->mutable_rules();
    r->set_slot_minutes(c.booking().slot_minutes());
    r->set_max_length_minutes(c.booking().max_length_minutes());
    r->set_max_future_bookings(c.booking().max_future_bookings());
    r->set_horizon_days(c.booking().horizon_days());
    r->set_cancel_deadline_minutes(c.booking().cancel_deadline_minutes());
    r->set_no_show_release_minutes(c.booking().no_show_release_minutes());
    r->set_check_in_early_minutes(c.booking().check_in_early_minutes());
  }
  for (const auto& m : cfg.machines()) {
    v1::MachineSummary* s = resp->add_machines();
    s->set_id(m.id());
    s->set_name(m.name());
    s->set_machine_class(m.machine_class());
  }
  for (const auto& line : domain_.bookings.hours().Describe()) {
    resp->add_opening_hours(line);
  }
  return grpc::Status::OK;
}

grpc::Status BookingsService::GetAvailability(
    grpc::ServerContext* ctx, const v1::GetAvailabilityRequest* req,
    v1::GetAvailabilityResponse* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Bookings/GetAvailability");
  auto range = RangeFromProto(req->range(), req->has_range(), "range");
  if (!range.ok()) return ToGrpcStatus(range.status());
  auto free = domain_.bookings.Availability(actor, req->machine_id(),
                                            range->first, range->second);
  if (!free.ok()) return ToGrpcStatus(free.status());
  for (const auto& [start, end] : *free) {
    v1::TimeRange* r = resp->add_free();
    *r->mutable_start() = ToProto(start);
    *r->mutable_end() = ToProto(end);
  }
  return grpc::Status::OK;
}

grpc::Status BookingsService::CreateReservation(
    grpc::ServerContext* ctx, const v1::CreateReservationRequest* req,
    v1::CreateReservationResponse* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Bookings/CreateReservation");
  auto range = RangeFromProto(req->time(), req->has_time(), "time");
  if (!range.ok()) return ToGrpcStatus(range.status());
  booking::NewReservation nr;
  nr.machine_id = req->machine_id();
  nr.machine_class = req->machine_class();
  switch (req->kind()) {
    case v1::RESERVATION_KIND_UNSPECIFIED:
    case v1::RESERVATION_KIND_PERSONAL:
      nr.kind = store::ReservationKind::kPersonal;
      break;
    case v1::RESERVATION_KIND_WORKSHOP:
      nr.kind = store::ReservationKind::kWorkshop;
      break;
    case v1::RESERVATION_KIND_MAINTENANCE:
      nr.kind = store::ReservationKind::kMaintenance;
      break;
    default:
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "kind must be personal, workshop or maintenance");
  }
  nr.start = range->first;
  nr.end = range->second;
  nr.participant_logins.assign(req->participant_logins().begin(),
                               req->participant_logins().end());
  nr.note = req->note();
  auto created = domain_.bookings.Create(actor, nr);
  if (!created.ok()) return ToGrpcStatus(created.status());
  for (const auto& r : *created) *resp->add_reservations() = ToProto(r);
  return grpc::Status::OK;
}

grpc::Status BookingsService::CancelReservation(
    grpc::ServerContext* ctx, const v1::CancelReservationRequest* req,
    v1::Reservation* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Bookings/CancelReservation");
  auto r = domain_.bookings.Cancel(actor, req->id(), req->reason());
  if (!r.ok()) return ToGrpcStatus(r.status());
  domain_.machines.ReservationWithdrawn(req->id());
  *resp = ToProto(*r);
  return grpc::Status::OK;
}

grpc::Status BookingsService::ListReservations(
    grpc::ServerContext* ctx, const v1::ListReservationsRequest* req,
    v1::ListReservationsResponse* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Bookings/ListReservations");
  booking::ListQuery q;
  q.machine_id = req->machine_id();
  q.all_users = req->all_users();
  q.include_inactive = req->include_inactive();
  q.from = domain_.clock.Now();
  if (req->has_range()) {
    auto range = RangeFromProto(req->range(), true, "range");
    if (!range.ok()) return ToGrpcStatus(range.status());
    q.from = range->first;
    q.to = range->second;
  }
  auto rows = domain_.bookings.List(actor, q);
  if (!rows.ok()) return ToGrpcStatus(rows.status());
  for (const auto& r : *rows) *resp->add_reservations() = ToProto(r);
  return grpc::Status::OK;
}

grpc::Status BookingsService::CheckIn(grpc::ServerContext* ctx,
                                      const v1::CheckInRequest* req,
                                      v1::Reservation* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Bookings/CheckIn");
  auto r = domain_.bookings.CheckIn(actor, req->id());
  if (!r.ok()) return ToGrpcStatus(r.status());
  *resp = ToProto(*r);
  return grpc::Status::OK;
}

}  // namespace werkbank::api
