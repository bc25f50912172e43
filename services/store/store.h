// SPDX-License-Identifier: EUPL-1.2
// The storage interface the domain speaks through. One Transaction covers one
// decision and the audit event that records it: both are written, or neither.
//
// Thread-safety: Store is thread-safe; a Transaction is used by one thread
// for the duration of the callback only.
#ifndef WERKBANK_SERVICES_STORE_STORE_H_
#define WERKBANK_SERVICES_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "records.h"

namespace werkbank::store {

class Transaction {
 public:
  virtual ~Transaction() = default;

  // Users. Insert fails with ALREADY_EXISTS for a taken login or card UID.
  virtual absl::StatusOr<int64_t> InsertUser(const UserRecord& user) = 0;
  virtual absl::Status UpdateUser(const UserRecord& user) = 0;
  virtual absl::StatusOr<std::optional<UserRecord>> FindUserById(
      int64_t id) = 0;
  virtual absl::StatusOr<std::optional<UserRecord>> FindUserByLogin(
      const std::string& login) = 0;
  virtual absl::StatusOr<std::optional<UserRecord>> FindUserByCard(
      const std::string& card_uid) = 0;
  virtual absl::StatusOr<std::vector<UserRecord>> ListUsers() = 0;
  virtual absl::StatusOr<int64_t> CountUsers() = 0;

  // Bearer tokens, by their SHA-256.
  virtual absl::Status InsertToken(const TokenRecord& token) = 0;
  virtual absl::StatusOr<std::optional<TokenRecord>> FindToken(
      const std::string& token_hash) = 0;
  virtual absl::Status RevokeToken(const std::string& token_hash) = 0;
  // Returns how many live tokens were revoked; `keep_hash` (when not empty)
  // stays valid, the session that asked.
  virtual absl::StatusOr<int> RevokeTokensOfUser(
      int64_t user_id, const std::string& keep_hash = "") = 0;

  // Failed logins per name typed (schema 6).
  virtual absl::StatusOr<std::optional<LoginFailureRecord>> FindLoginFailures(
      const std::string& subject) = 0;
  virtual absl::Status PutLoginFailures(const LoginFailureRecord& r) = 0;
  virtual absl::Status DeleteLoginFailures(const std::string& subject) = 0;
  // Forgets every record whose last failure was before `t` and that locks
  // nothing any more.
  virtual absl::Status DeleteLoginFailuresBefore(absl::Time t) = 0;

  // Briefings and the qualifications they grant.
  virtual absl::StatusOr<int64_t> InsertBriefing(const BriefingRecord& b) = 0;
  virtual absl::StatusOr<std::vector<BriefingRecord>> ListBriefings(
      const std::string& machine_class) = 0;
  virtual absl::StatusOr<int64_t> InsertQualification(
      const QualificationRecord& q) = 0;
  virtual absl::StatusOr<std::optional<QualificationRecord>> FindQualification(
      int64_t id) = 0;
  virtual absl::Status UpdateQualification(const QualificationRecord& q) = 0;
  // All of one user's (user_id set) or everybody's.
  virtual absl::StatusOr<std::vector<QualificationRecord>> ListQualifications(
      std::optional<int64_t> user_id) = 0;

  // Reservations.
  virtual absl::StatusOr<int64_t> InsertReservation(
      const ReservationRecord& r) = 0;
  virtual absl::Status UpdateReservation(const ReservationRecord& r) = 0;
  virtual absl::StatusOr<std::optional<ReservationRecord>> FindReservation(
      int64_t id) = 0;
  // Active (booked or checked-in) reservations of the machine that overlap
  // [start, end).
  virtual absl::StatusOr<std::vector<ReservationRecord>> FindOverlapping(
      const std::string& machine_id, absl::Time start, absl::Time end) = 0;
  // The booking decision's question: does an active reservation of the
  // machine overlap [start, end)? Returns one that does, if any. Active
  // reservations of one machine never overlap each other (every booking is
  // decided by this check), so only the last one to start before `end` can
  // be the clash: one index lookup however full the calendar is.
  virtual absl::StatusOr<std::optional<ReservationRecord>> FindClash(
      const std::string& machine_id, absl::Time start, absl::Time end) = 0;
  virtual absl::StatusOr<std::vector<ReservationRecord>> ListReservations(
      const ReservationFilter& filter) = 0;
  // How many active reservations of `kind` the owner has on these machines
  // that end after `from` (booking quotas).
  virtual absl::StatusOr<int64_t> CountActiveOwned(
      int64_t owner_id, ReservationKind kind, absl::Time from,
      const std::vector<std::string>& machine_ids) = 0;
  // Active (booked or checked-in) reservations that started before `t`.
  virtual absl::StatusOr<std::vector<ReservationRecord>>
  ListActiveStartedBefore(absl::Time t) = 0;

  // Jobs.
  virtual absl::StatusOr<int64_t> InsertJob(const JobRecord& job) = 0;
  virtual absl::Status UpdateJob(const JobRecord& job) = 0;
  virtual absl::StatusOr<std::optional<JobRecord>> FindJob(int64_t id) = 0;
  // Newest first; owner_id 0 means everybody's, machine_id "" every machine.
  virtual absl::StatusOr<std::vector<JobRecord>> ListJobs(
      const std::string& machine_id, int64_t owner_id, int limit) = 0;
  virtual absl::StatusOr<std::vector<JobRecord>> ListJobsInState(
      JobState state) = 0;

  // Maintenance blocks of machines; they outlive restarts.
  virtual absl::Status PutMachineBlock(const MachineBlockRecord& block) = 0;
  virtual absl::Status DeleteMachineBlock(const std::string& machine_id) = 0;
  virtual absl::StatusOr<std::vector<MachineBlockRecord>>
  ListMachineBlocks() = 0;

  // Audit chain. Insert assigns the id; the hash is computed by the caller.
  virtual absl::StatusOr<std::optional<AuditRecord>> LastAuditEvent() = 0;
  virtual absl::Status InsertAudit(const AuditRecord& event) = 0;
  virtual absl::StatusOr<std::vector<AuditRecord>> ListAudit(
      int64_t after_id, int limit, const std::string& subject_prefix) = 0;
  // Rewrites an event's fields, seal, prev_hash and hash in place
  // (anonymising, and the one-time sealing of older events); never its id,
  // time or action.
  virtual absl::Status RewriteAudit(const AuditRecord& event) = 0;
  // Events whose actor, subject or detail contains any of `needles`.
  virtual absl::StatusOr<std::vector<AuditRecord>> ListAuditMentioning(
      const std::vector<std::string>& needles) = 0;

  // Visits (schema 8).
  virtual absl::StatusOr<int64_t> InsertVisit(const VisitRecord& v) = 0;
  virtual absl::StatusOr<std::optional<VisitRecord>> FindVisit(int64_t id) = 0;
  virtual absl::StatusOr<std::optional<VisitRecord>> FindVisitOfReservation(
      int64_t reservation_id) = 0;
  // Visits that start in [from, to), oldest first.
  virtual absl::StatusOr<std::vector<VisitRecord>> ListVisits(
      absl::Time from, absl::Time to) = 0;
  virtual absl::Status DeleteVisit(int64_t id) = 0;

  // Personal API keys (schema 9), found by their SHA-256 or id.
  virtual absl::StatusOr<int64_t> InsertApiKey(const ApiKeyRecord& key) = 0;
  virtual absl::StatusOr<std::optional<ApiKeyRecord>> FindApiKeyByHash(
      const std::string& key_hash) = 0;
  virtual absl::StatusOr<std::optional<ApiKeyRecord>> FindApiKey(
      int64_t id) = 0;
  // One user's keys, revoked ones too, oldest first.
  virtual absl::StatusOr<std::vector<ApiKeyRecord>> ListApiKeys(
      int64_t user_id) = 0;
  // Writes last_used_at and revoked_at.
  virtual absl::Status UpdateApiKey(const ApiKeyRecord& key) = 0;
  // Print service requests (schema 10), newest first in listings.
  virtual absl::StatusOr<int64_t> InsertServiceRequest(
      const ServiceRequestRecord& r) = 0;
  // Writes its state and decision (the rest never changes).
  virtual absl::Status UpdateServiceRequest(const ServiceRequestRecord& r) = 0;
  virtual absl::StatusOr<std::optional<ServiceRequestRecord>>
  FindServiceRequest(int64_t id) = 0;
  virtual absl::StatusOr<std::vector<ServiceRequestRecord>> ListServiceRequests(
      const ServiceRequestFilter& filter) = 0;
  // The request a job was started from, if any.
  virtual absl::StatusOr<std::optional<ServiceRequestRecord>>
  FindServiceRequestOfJob(int64_t job_id) = 0;

  // Privacy (schema 8). Removes the person's name, login, card, secrets,
  // sessions and notes from every table but the audit chain; keeps the ids
  // that the figures count.
  virtual absl::Status ScrubUser(const ScrubRequest& request) = 0;
  virtual absl::StatusOr<std::optional<absl::Time>> AnonymisedAt(
      int64_t user_id) = 0;
  // The last sign of the person: a login, a booking, a job, a briefing, or
  // the account's creation.
  virtual absl::StatusOr<absl::Time> LastActivity(int64_t user_id) = 0;
  // Accounts not yet anonymised, without the staff role, whose last
  // activity was before `t`.
  virtual absl::StatusOr<std::vector<int64_t>> ListInactiveUsers(
      absl::Time t) = 0;
  // The SHA-256 of every stored program that only anonymised people's jobs
  // and print service requests refer to and that no running or paused job
  // is reading: their files may go. Files already removed stay listed.
  virtual absl::StatusOr<std::vector<std::string>> ListForgottenPrograms() = 0;

  // The webhooks' outbox (schema 11). Insert returns the delivery's id,
  // larger than every id before it.
  virtual absl::StatusOr<int64_t> InsertWebhookDelivery(
      const WebhookDeliveryRecord& d) = 0;
  // The endpoint's oldest waiting deliveries, up to `limit`, oldest first.
  virtual absl::StatusOr<std::vector<WebhookDeliveryRecord>>
  ListWebhookDeliveries(const std::string& endpoint, int limit) = 0;
  virtual absl::Status UpdateWebhookAttempt(int64_t id, int attempts,
                                            absl::Time next_attempt_at) = 0;
  virtual absl::Status DeleteWebhookDelivery(int64_t id) = 0;
  // Keeps the endpoint's newest `keep` deliveries; returns how many older
  // ones were dropped.
  virtual absl::StatusOr<int64_t> TrimWebhookDeliveries(
      const std::string& endpoint, int64_t keep) = 0;
  // Remembers that `endpoint` was reminded of the reservation; false when
  // it already was.
  virtual absl::StatusOr<bool> MarkWebhookReminded(const std::string& endpoint,
                                                   int64_t reservation_id,
                                                   absl::Time at) = 0;
  // Forgets reminders sent before `t`.
  virtual absl::Status ForgetWebhookRemindersBefore(absl::Time t) = 0;
};

// The body of one write: runs inside a write transaction.
using WriteBody = std::function<absl::Status(Transaction&)>;

class Store {
 public:
  virtual ~Store() = default;

  // Runs `body` in one write transaction. When it returns OK everything it
  // wrote is committed and durable; on any error nothing is. Writers are
  // serialized, so checks made inside `body` hold at commit.
  virtual absl::Status Write(
      const std::function<absl::Status(Transaction&)>& body) = 0;

  // Online, consistent copy of the whole database into `dest_path`.
  virtual absl::Status Backup(const std::string& dest_path) = 0;

  // Rewrites the database file so that nothing deleted survives in it or in
  // its WAL (VACUUM, then a checkpoint that truncates the WAL).
  virtual absl::Status Compact() = 0;

  // Runs `body` against a consistent snapshot; writes are not allowed.
  virtual absl::Status Read(
      const std::function<absl::Status(Transaction&)>& body) = 0;
};

}  // namespace werkbank::store

#endif  // WERKBANK_SERVICES_STORE_STORE_H_
