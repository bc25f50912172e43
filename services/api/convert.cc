// Record <-> message translation; see convert.h.
#include "convert.h"

#include "absl/strings/str_cat.h"

namespace werkbank::api {

google::protobuf::Timestamp ToProto(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t us = absl::ToUnixMicros(t);
  int64_t seconds = us / 1000000;
  int64_t micros = us % 1000000;
  if (micros < 0) {
    micros += 1000000;
    seconds -= 1;
  }
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(micros * 1000));
  return ts;
}

absl::StatusOr<absl::Time> FromProto(const google::protobuf::Timestamp& ts,
                                     bool present, const std::string& field) {
  if (!present) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  }
  // The range google.protobuf.Timestamp allows: years 0001 to 9999.
  constexpr int64_t kMinSeconds = -62135596800;
  constexpr int64_t kMaxSeconds = 253402300799;
  if (ts.seconds() < kMinSeconds || ts.seconds() > kMaxSeconds ||
      ts.nanos() < 0 || ts.nanos() > 999999999) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is not a valid timestamp"));
  }
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

uint32_t RolesFromProto(const google::protobuf::RepeatedField<int>& roles) {
  uint32_t out = 0;
  for (int r : roles) {
    switch (r) {
      case v1::ROLE_PARTICIPANT:
        out |= store::kParticipant;
        break;
      case v1::ROLE_TRAINER:
        out |= store::kTrainer;
        break;
      case v1::ROLE_STAFF:
        out |= store::kStaff;
        break;
      default:
        out |= 1u << 31;  // rejected by the domain as unknown
    }
  }
  return out;
}

void RolesToProto(uint32_t roles, google::protobuf::RepeatedField<int>* out) {
  if (roles & store::kParticipant) out->Add(v1::ROLE_PARTICIPANT);
  if (roles & store::kTrainer) out->Add(v1::ROLE_TRAINER);
  if (roles & store::kStaff) out->Add(v1::ROLE_STAFF);
}

v1::User ToProto(const store::UserRecord& u) {
  v1::User p;
  p.set_id(u.id);
  p.set_login(u.login);
  p.set_display_name(u.display_name);
  RolesToProto(u.roles, p.mutable_roles());
  p.set_group(static_cast<v1::UserGroup>(u.group));
  p.set_has_card(u.card_uid.has_value());
  p.set_disabled(u.disabled);
  *p.mutable_created_at() = ToProto(u.created_at);
  return p;
}

v1::Briefing ToProto(const access::BriefingView& b) {
  v1::Briefing p;
  p.set_id(b.record.id);
  p.set_machine_class(b.record.machine_class);
  p.set_trainer_login(b.trainer_login);
  *p.mutable_held_at() = ToProto(b.record.held_at);
  for (const auto& l : b.participant_logins) p.add_participant_logins(l);
  p.set_note(b.record.note);
  return p;
}

v1::Qualification ToProto(const access::QualificationView& q) {
  v1::Qualification p;
  p.set_id(q.record.id);
  p.set_login(q.login);
  p.set_machine_class(q.record.machine_class);
  p.set_briefing_id(q.record.briefing_id);
  p.set_granted_by(q.granted_by_login);
  *p.mutable_granted_at() = ToProto(q.record.granted_at);
  *p.mutable_expires_at() = ToProto(q.record.expires_at);
  p.set_revoked(q.record.revoked_at.has_value());
  p.set_revoke_reason(q.record.revoke_reason);
  p.set_valid(q.valid);
  return p;
}

v1::Reservation ToProto(const booking::ReservationView& r) {
  v1::Reservation p;
  p.set_id(r.record.id);
  p.set_machine_id(r.record.machine_id);
  p.set_owner_login(r.owner_login);
  p.set_kind(static_cast<v1::ReservationKind>(r.record.kind));
  p.set_state(static_cast<v1::ReservationState>(r.record.state));
  *p.mutable_time()->mutable_start() = ToProto(r.record.start);
  *p.mutable_time()->mutable_end() = ToProto(r.record.end);
  for (const auto& l : r.participant_logins) p.add_participant_logins(l);
  p.set_note(r.record.note);
  *p.mutable_created_at() = ToProto(r.record.created_at);
  p.set_cancel_reason(r.record.cancel_reason);
  return p;
}

v1::AuditEvent ToProto(const store::AuditRecord& e) {
  v1::AuditEvent p;
  p.set_id(e.id);
  *p.mutable_at() = ToProto(e.at);
  p.set_actor(e.actor);
  p.set_action(e.action);
  p.set_subject(e.subject);
  p.set_detail(e.detail);
  p.set_prev_hash(e.prev_hash);
  p.set_hash(e.hash);
  return p;
}

}  // namespace werkbank::api
