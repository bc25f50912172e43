// SPDX-License-Identifier: EUPL-1.2
// Visits RPCs -> visits::VisitLog.
#include <array>
#include <map>

#include "convert.h"
#include "rpc_policy.h"
#include "services.h"
#include "status.h"

namespace werkbank::api {
namespace {

std::array<int, 6> AgeBands(const v1::AgeBands& a) {
  return {a.under_12(),  a.age_12_17(),   a.age_18_29(),
          a.age_30_54(), a.age_55_plus(), a.not_stated()};
}

std::array<int, 4> Genders(const v1::GenderCounts& g) {
  return {g.female(), g.male(), g.diverse(), g.not_stated()};
}

v1::Visit ToProto(const store::VisitRecord& v, const std::string& recorded_by) {
  v1::Visit out;
  out.set_id(v.id);
  *out.mutable_start() = api::ToProto(v.start);
  out.set_duration_minutes(v.duration_minutes);
  for (const auto& c : v.machine_classes) out.add_machine_classes(c);
  out.set_group_type(v.group_type);
  out.set_head_count(v.head_count);
  auto* a = out.mutable_age();
  a->set_under_12(v.age_bands[0]);
  a->set_age_12_17(v.age_bands[1]);
  a->set_age_18_29(v.age_bands[2]);
  a->set_age_30_54(v.age_bands[3]);
  a->set_age_55_plus(v.age_bands[4]);
  a->set_not_stated(v.age_bands[5]);
  if (v.genders) {
    auto* g = out.mutable_gender();
    g->set_female((*v.genders)[0]);
    g->set_male((*v.genders)[1]);
    g->set_diverse((*v.genders)[2]);
    g->set_not_stated((*v.genders)[3]);
  }
  out.set_first_timers(v.first_timers);
  out.set_topic(v.topic);
  if (v.reservation_id) out.set_reservation_id(*v.reservation_id);
  out.set_recorded_by(recorded_by);
  *out.mutable_recorded_at() = api::ToProto(v.recorded_at);
  return out;
}

// The login of who recorded a visit, for the answer.
std::string LoginOf(store::Store& store, int64_t id) {
  std::string login;
  (void)store.Read([&](store::Transaction& tx) -> absl::Status {
    auto u = tx.FindUserById(id);
    if (u.ok() && *u) login = (*u)->login;
    return absl::OkStatus();
  });
  return login;
}

}  // namespace

grpc::Status VisitsService::RecordVisit(grpc::ServerContext* ctx,
                                        const v1::RecordVisitRequest* req,
                                        v1::Visit* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Visits/RecordVisit");
  const v1::Visit& in = req->visit();
  store::VisitRecord v;
  auto start = FromProto(in.start(), in.has_start(), "visit.start");
  if (!start.ok()) return ToGrpcStatus(start.status());
  v.start = *start;
  v.duration_minutes = in.duration_minutes();
  v.machine_classes.assign(in.machine_classes().begin(),
                           in.machine_classes().end());
  v.group_type = in.group_type();
  v.head_count = in.head_count();
  if (in.has_age()) {
    v.age_bands = AgeBands(in.age());
  } else {
    v.age_bands[5] = in.head_count();
  }
  if (in.has_gender()) v.genders = Genders(in.gender());
  v.first_timers = in.first_timers();
  v.topic = in.topic();
  auto stored = domain_.visits.Record(actor, std::move(v));
  if (!stored.ok()) return ToGrpcStatus(stored.status());
  *resp = ToProto(*stored, actor.login);
  return grpc::Status::OK;
}

grpc::Status VisitsService::ListVisits(grpc::ServerContext* ctx,
                                       const v1::ListVisitsRequest* req,
                                       v1::ListVisitsResponse* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Visits/ListVisits");
  if (!req->has_range()) {
    return ToGrpcStatus(absl::InvalidArgumentError("range is required"));
  }
  auto from =
      FromProto(req->range().start(), req->range().has_start(), "range.start");
  if (!from.ok()) return ToGrpcStatus(from.status());
  auto to = FromProto(req->range().end(), req->range().has_end(), "range.end");
  if (!to.ok()) return ToGrpcStatus(to.status());
  auto all = domain_.visits.List(actor, *from, *to);
  if (!all.ok()) return ToGrpcStatus(all.status());
  std::map<int64_t, std::string> logins;
  for (const auto& v : *all) {
    auto [it, inserted] = logins.emplace(v.recorded_by, "");
    if (inserted) it->second = LoginOf(domain_.store, v.recorded_by);
    *resp->add_visits() = ToProto(v, it->second);
  }
  return grpc::Status::OK;
}

grpc::Status VisitsService::VisitFromReservation(
    grpc::ServerContext* ctx, const v1::VisitFromReservationRequest* req,
    v1::Visit* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Visits/VisitFromReservation");
  visits::FromReservation r;
  r.reservation_id = req->reservation_id();
  r.group_type = req->group_type();
  r.head_count = req->head_count();
  if (req->has_age()) r.age_bands = AgeBands(req->age());
  if (req->has_gender()) r.genders = Genders(req->gender());
  r.first_timers = req->first_timers();
  r.topic = req->topic();
  auto stored = domain_.visits.RecordFromReservation(actor, r);
  if (!stored.ok()) return ToGrpcStatus(stored.status());
  *resp = ToProto(*stored, actor.login);
  return grpc::Status::OK;
}

grpc::Status VisitsService::DeleteVisit(grpc::ServerContext* ctx,
                                        const v1::DeleteVisitRequest* req,
                                        v1::DeleteVisitResponse*) {
  WERKBANK_AUTHORIZE(actor, ctx, "Visits/DeleteVisit");
  return ToGrpcStatus(domain_.visits.Delete(actor, req->id(), req->reason()));
}

}  // namespace werkbank::api
