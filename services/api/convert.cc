// SPDX-License-Identifier: EUPL-1.2
// Record <-> message translation; see convert.h.
#include "convert.h"

#include <map>

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

v1::Machine ToProto(const machines::MachineSnapshot& m) {
  v1::Machine p;
  p.set_id(m.id);
  p.set_name(m.name);
  p.set_machine_class(m.machine_class);
  p.set_protocol(m.protocol);
  static const v1::MachineState kStates[] = {
      v1::MACHINE_STATE_OFFLINE,  v1::MACHINE_STATE_LOCKED,
      v1::MACHINE_STATE_UNLOCKED, v1::MACHINE_STATE_RUNNING,
      v1::MACHINE_STATE_PAUSED,   v1::MACHINE_STATE_FAULT,
      v1::MACHINE_STATE_BLOCKED};
  p.set_state(kStates[static_cast<int>(m.state)]);
  if (m.unlock) {
    p.set_unlocked_by(m.unlock->login);
    p.set_reservation_id(m.unlock->reservation_id);
  }
  if (m.job) p.set_job_id(m.job->job_id);
  p.set_fault_reason(m.state == machines::State::kBlocked ? m.block_reason
                                                          : m.fault_reason);
  static const std::map<std::string, v1::InterlockKind> kKinds = {
      {"door", v1::INTERLOCK_KIND_DOOR},
      {"extraction", v1::INTERLOCK_KIND_EXTRACTION},
      {"air_assist", v1::INTERLOCK_KIND_AIR_ASSIST},
      {"presence", v1::INTERLOCK_KIND_PRESENCE},
      {"thermal", v1::INTERLOCK_KIND_THERMAL},
      {"reservation", v1::INTERLOCK_KIND_RESERVATION},
      {"emergency_stop", v1::INTERLOCK_KIND_EMERGENCY_STOP}};
  for (const auto& il : m.interlocks) {
    auto* i = p.add_interlocks();
    auto kind = kKinds.find(il.kind);
    i->set_kind(kind == kKinds.end() ? v1::INTERLOCK_KIND_UNSPECIFIED
                                     : kind->second);
    i->set_satisfied(il.satisfied);
    i->set_detail(il.detail);
  }
  if (m.protocol == "marlin") {
    auto* h = p.add_temperatures();
    h->set_heater("hotend");
    h->set_current_c(m.hotend);
    h->set_target_c(m.hotend_target);
    auto* b = p.add_temperatures();
    b->set_heater("bed");
    b->set_current_c(m.bed);
    b->set_target_c(m.bed_target);
  }
  for (double x : m.position) p.add_position(x);
  *p.mutable_since() = ToProto(m.since);
  return p;
}

v1::Job ToProto(const machines::JobView& j) {
  v1::Job p;
  p.set_id(j.record.id);
  p.set_machine_id(j.record.machine_id);
  p.set_owner_login(j.owner_login);
  p.set_file_name(j.record.file_name);
  p.set_sha256(j.record.sha256);
  p.set_size_bytes(j.record.size_bytes);
  p.set_state(static_cast<v1::JobState>(j.record.state));
  *p.mutable_preflight() = j.preflight;
  *p.mutable_created_at() = ToProto(j.record.created_at);
  if (j.record.started_at)
    *p.mutable_started_at() = ToProto(*j.record.started_at);
  if (j.record.finished_at)
    *p.mutable_finished_at() = ToProto(*j.record.finished_at);
  p.set_end_reason(j.record.end_reason);
  p.set_estimated_seconds(j.record.estimated_seconds);
  if (j.record.run_seconds) p.set_run_seconds(*j.record.run_seconds);
  return p;
}

v1::JobProgress ToProto(const machines::JobProgress& j, absl::Time now) {
  v1::JobProgress p;
  p.set_job_id(j.job_id);
  p.set_state(j.state == "paused" ? v1::JOB_STATE_PAUSED
                                  : v1::JOB_STATE_RUNNING);
  p.set_lines_done(j.lines_done);
  p.set_lines_total(j.lines_total);
  const double fraction = j.lines_total > 0
                              ? static_cast<double>(j.lines_done) /
                                    static_cast<double>(j.lines_total)
                              : 0;
  p.set_percent(100.0 * fraction);
  const double elapsed = absl::ToDoubleSeconds(now - j.started);
  p.set_elapsed_seconds(elapsed);
  // The estimate from preflight, corrected by how fast the job really goes.
  double remaining = std::max(0.0, j.estimated_seconds - elapsed);
  if (fraction > 0.05) remaining = elapsed / fraction - elapsed;
  p.set_remaining_seconds(remaining);
  p.set_message(j.message);
  return p;
}

}  // namespace werkbank::api
