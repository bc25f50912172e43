// SPDX-License-Identifier: EUPL-1.2
// Plain records stored by werkbank. They carry no behaviour; the rules live in
// the domain folders (access, booking, audit).
#ifndef WERKBANK_SERVICES_STORE_RECORDS_H_
#define WERKBANK_SERVICES_STORE_RECORDS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace werkbank::store {

// Role bits; a user may hold several.
enum RoleBit : uint32_t {
  kParticipant = 1u << 0,
  kTrainer = 1u << 1,
  kStaff = 1u << 2,
};

// Mirrors werkbank.v1.UserGroup.
enum class UserGroup : int {
  kUnspecified = 0,
  kCitizen = 1,
  kSchool = 2,
  kClub = 3,
  kBusiness = 4,
  kAdministration = 5,
};

struct UserRecord {
  int64_t id = 0;
  std::string login;
  std::string display_name;
  uint32_t roles = 0;
  UserGroup group = UserGroup::kUnspecified;
  std::optional<std::string> card_uid;
  std::string password_hash;  // scrypt, see access/secret_hash.h
  std::string pin_hash;       // empty: no PIN set
  bool disabled = false;
  absl::Time created_at;
  // Unused since schema 6: failed logins are counted per login name, known
  // or not, in LoginFailureRecord.
  int failed_logins = 0;
  absl::Time locked_until = absl::InfinitePast();
};

// Failed logins in a row for one name typed at the login ("login:anna",
// "card:04:A3:2B"), whether or not an account has it, so that the answers
// never tell which exist.
struct LoginFailureRecord {
  std::string subject;
  int failures = 0;
  absl::Time locked_until = absl::InfinitePast();
  absl::Time last_failure_at = absl::InfinitePast();
};

struct TokenRecord {
  std::string token_hash;  // SHA-256 hex of the bearer token
  int64_t user_id = 0;
  absl::Time created_at;
  absl::Time expires_at;
  bool revoked = false;
};

struct BriefingRecord {
  int64_t id = 0;
  std::string machine_class;
  int64_t trainer_id = 0;
  absl::Time held_at;
  std::string note;
  std::vector<int64_t> participant_ids;
};

struct QualificationRecord {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string machine_class;
  int64_t briefing_id = 0;
  int64_t granted_by = 0;
  absl::Time granted_at;
  absl::Time expires_at;
  std::optional<absl::Time> revoked_at;
  std::string revoke_reason;
};

enum class ReservationKind : int {
  kPersonal = 1,
  kWorkshop = 2,
  kMaintenance = 3,
};

enum class ReservationState : int {
  kBooked = 1,
  kCheckedIn = 2,
  kCompleted = 3,
  kCancelled = 4,
  kNoShow = 5,
};

struct ReservationRecord {
  int64_t id = 0;
  std::string machine_id;
  int64_t owner_id = 0;
  ReservationKind kind = ReservationKind::kPersonal;
  ReservationState state = ReservationState::kBooked;
  absl::Time start;
  absl::Time end;
  std::string note;
  absl::Time created_at;
  std::string cancel_reason;
  std::optional<absl::Time> checked_in_at;
  std::vector<int64_t> participant_ids;
};

struct ReservationFilter {
  std::string machine_id;                  // empty: any
  std::optional<int64_t> user_id;          // owner or workshop participant
  absl::Time from = absl::InfinitePast();  // reservations ending after this
  absl::Time to = absl::InfiniteFuture();  // ... and starting before this
  bool active_only = true;                 // booked or checked in
};

// Mirrors werkbank.v1.JobState.
enum class JobState : int {
  kUploaded = 1,
  kQueued = 2,
  kRunning = 3,
  kPaused = 4,
  kCompleted = 5,
  kCancelled = 6,
  kFailed = 7,
  kInterrupted = 8,
  kRejected = 9,
};

struct JobRecord {
  int64_t id = 0;
  std::string machine_id;
  int64_t owner_id = 0;
  std::string file_name;
  std::string sha256;  // the program is stored as jobs/<sha256>.gcode
  int64_t size_bytes = 0;
  JobState state = JobState::kUploaded;
  std::string preflight;  // werkbank.v1.PreflightReport, binary
  int64_t line_count = 0;
  double estimated_seconds = 0;
  // How long it ran, held time left out; set when it ends.
  std::optional<double> run_seconds;
  absl::Time created_at;
  std::optional<absl::Time> started_at;
  std::optional<absl::Time> finished_at;
  std::string end_reason;
  int64_t lines_done = 0;
};

struct MachineBlockRecord {
  std::string machine_id;
  std::string reason;
  int64_t blocked_by = 0;
  absl::Time blocked_at;
};

struct AuditRecord {
  int64_t id = 0;
  absl::Time at;
  std::string actor;
  std::string action;
  std::string subject;
  std::string detail;
  std::string prev_hash;
  std::string hash;
  // Since schema 8 (see audit/audit_log.h): "salt:salt:salt" and
  // "digest:digest:digest" for actor, subject and detail. An empty salt marks
  // an anonymised field; both empty, an event sealed before schema 8.
  std::string seal_salts;
  std::string seal_digests;
};

// A group's visit or workshop (schema 8): head-counts, nobody named.
struct VisitRecord {
  int64_t id = 0;
  absl::Time start;
  int duration_minutes = 0;
  std::vector<std::string> machine_classes;
  std::string group_type;
  int head_count = 0;
  // under 12, 12-17, 18-29, 30-54, 55 and over, not stated
  std::array<int, 6> age_bands{};
  // female, male, diverse, not stated; unset when not recorded
  std::optional<std::array<int, 4>> genders;
  int first_timers = 0;
  std::string topic;
  std::optional<int64_t> reservation_id;
  int64_t recorded_by = 0;
  absl::Time recorded_at;
};

// A personal API key (schema 9), e.g. for a slicer. Only its SHA-256 is
// stored; `prefix` (the first characters) tells a person's keys apart.
struct ApiKeyRecord {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string label;
  std::string key_hash;
  std::string prefix;
  absl::Time created_at;
  std::optional<absl::Time> last_used_at;
  std::optional<absl::Time> revoked_at;
};

// What anonymising a person changes in every table but the audit chain.
// Mirrors werkbank.v1.ServiceRequestState for what is stored; done and
// failed are read from the request's job.
enum class ServiceRequestState : int {
  kWaiting = 1,
  kStarted = 2,
  kDeclined = 5,
  kWithdrawn = 6,
};

// A print service request (schema 10): a file to print on a machine class,
// for a person who need not be qualified.
struct ServiceRequestRecord {
  int64_t id = 0;
  int64_t submitter_id = 0;
  std::string machine_class;
  std::string file_name;  // a display name only
  std::string note;
  std::string sha256;  // stored as jobs/<sha256>.gcode
  int64_t size_bytes = 0;
  std::string preflight;  // werkbank.v1.PreflightReport, binary
  int64_t line_count = 0;
  double estimated_seconds = 0;
  ServiceRequestState state = ServiceRequestState::kWaiting;
  absl::Time created_at;
  std::optional<absl::Time> decided_at;  // started, declined or withdrawn
  int64_t decided_by = 0;                // who started or declined it
  int64_t job_id = 0;                    // set once started
  std::string decline_reason;
};

struct ServiceRequestFilter {
  int64_t submitter_id = 0;  // 0: everybody's
  std::optional<ServiceRequestState> state;
  std::string machine_class;  // empty: every class
  int limit = 500;
};

struct ScrubRequest {
  int64_t user_id = 0;
  // Texts to cut out wherever they stand (login, display name, card UID).
  std::vector<std::string> needles;
  std::string replacement;  // e.g. "user#17"
  std::string new_login;    // cannot be typed at a login
  absl::Time at;
};

// One event waiting for one webhook endpoint (schema 11).
struct WebhookDeliveryRecord {
  int64_t id = 0;  // the delivery's id, sent as the payload's "id"
  std::string endpoint;
  std::string event;  // "job.finished"
  std::string body;   // the JSON payload without its "id"
  absl::Time created_at;
  int attempts = 0;
  absl::Time next_attempt_at;
};

}  // namespace werkbank::store

#endif  // WERKBANK_SERVICES_STORE_RECORDS_H_
