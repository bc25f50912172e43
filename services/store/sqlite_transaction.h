// SPDX-License-Identifier: EUPL-1.2
// The Transaction that SqliteStore hands to a Write() or Read() callback.
// Internal to services/store.
#ifndef WERKBANK_SERVICES_STORE_SQLITE_TRANSACTION_H_
#define WERKBANK_SERVICES_STORE_SQLITE_TRANSACTION_H_

#include <SQLiteCpp/Database.h>

#include "statement_cache.h"
#include "store.h"

namespace werkbank::store {

class SqliteTransaction : public Transaction {
 public:
  SqliteTransaction(StatementCache& statements, bool writable)
      : statements_(statements), db_(statements.db()), writable_(writable) {}

  absl::StatusOr<int64_t> InsertUser(const UserRecord& user) override;
  absl::Status UpdateUser(const UserRecord& user) override;
  absl::StatusOr<std::optional<UserRecord>> FindUserById(int64_t id) override;
  absl::StatusOr<std::optional<UserRecord>> FindUserByLogin(
      const std::string& login) override;
  absl::StatusOr<std::optional<UserRecord>> FindUserByCard(
      const std::string& card_uid) override;
  absl::StatusOr<std::vector<UserRecord>> ListUsers() override;
  absl::StatusOr<int64_t> CountUsers() override;

  absl::Status InsertToken(const TokenRecord& token) override;
  absl::StatusOr<std::optional<TokenRecord>> FindToken(
      const std::string& token_hash) override;
  absl::Status RevokeToken(const std::string& token_hash) override;
  absl::StatusOr<int> RevokeTokensOfUser(int64_t user_id,
                                         const std::string& keep_hash) override;
  absl::StatusOr<std::optional<LoginFailureRecord>> FindLoginFailures(
      const std::string& subject) override;
  absl::Status PutLoginFailures(const LoginFailureRecord& r) override;
  absl::Status DeleteLoginFailures(const std::string& subject) override;
  absl::Status DeleteLoginFailuresBefore(absl::Time t) override;

  absl::StatusOr<int64_t> InsertBriefing(const BriefingRecord& b) override;
  absl::StatusOr<std::vector<BriefingRecord>> ListBriefings(
      const std::string& machine_class) override;
  absl::StatusOr<int64_t> InsertQualification(
      const QualificationRecord& q) override;
  absl::StatusOr<std::optional<QualificationRecord>> FindQualification(
      int64_t id) override;
  absl::Status UpdateQualification(const QualificationRecord& q) override;
  absl::StatusOr<std::vector<QualificationRecord>> ListQualifications(
      std::optional<int64_t> user_id) override;

  absl::StatusOr<int64_t> InsertReservation(
      const ReservationRecord& r) override;
  absl::Status UpdateReservation(const ReservationRecord& r) override;
  absl::StatusOr<std::optional<ReservationRecord>> FindReservation(
      int64_t id) override;
  absl::StatusOr<std::vector<ReservationRecord>> FindOverlapping(
      const std::string& machine_id, absl::Time start, absl::Time end) override;
  absl::StatusOr<std::optional<ReservationRecord>> FindClash(
      const std::string& machine_id, absl::Time start, absl::Time end) override;
  absl::StatusOr<std::vector<ReservationRecord>> ListReservations(
      const ReservationFilter& filter) override;
  absl::StatusOr<int64_t> CountActiveOwned(
      int64_t owner_id, ReservationKind kind, absl::Time from,
      const std::vector<std::string>& machine_ids) override;
  absl::StatusOr<std::vector<ReservationRecord>> ListActiveStartedBefore(
      absl::Time t) override;

  absl::StatusOr<int64_t> InsertJob(const JobRecord& job) override;
  absl::Status UpdateJob(const JobRecord& job) override;
  absl::StatusOr<std::optional<JobRecord>> FindJob(int64_t id) override;
  absl::StatusOr<std::vector<JobRecord>> ListJobs(const std::string& machine_id,
                                                  int64_t owner_id,
                                                  int limit) override;
  absl::StatusOr<std::vector<JobRecord>> ListJobsInState(
      JobState state) override;
  absl::Status PutMachineBlock(const MachineBlockRecord& block) override;
  absl::Status DeleteMachineBlock(const std::string& machine_id) override;
  absl::StatusOr<std::vector<MachineBlockRecord>> ListMachineBlocks() override;

  absl::StatusOr<std::optional<AuditRecord>> LastAuditEvent() override;
  absl::Status InsertAudit(const AuditRecord& event) override;
  absl::StatusOr<std::vector<AuditRecord>> ListAudit(
      int64_t after_id, int limit, const std::string& subject_prefix) override;
  absl::Status RewriteAudit(const AuditRecord& event) override;
  absl::StatusOr<std::vector<AuditRecord>> ListAuditMentioning(
      const std::vector<std::string>& needles) override;

  absl::StatusOr<int64_t> InsertVisit(const VisitRecord& v) override;
  absl::StatusOr<std::optional<VisitRecord>> FindVisit(int64_t id) override;
  absl::StatusOr<std::optional<VisitRecord>> FindVisitOfReservation(
      int64_t reservation_id) override;
  absl::StatusOr<std::vector<VisitRecord>> ListVisits(absl::Time from,
                                                      absl::Time to) override;
  absl::Status DeleteVisit(int64_t id) override;

  absl::StatusOr<int64_t> InsertApiKey(const ApiKeyRecord& key) override;
  absl::StatusOr<std::optional<ApiKeyRecord>> FindApiKeyByHash(
      const std::string& key_hash) override;
  absl::StatusOr<std::optional<ApiKeyRecord>> FindApiKey(int64_t id) override;
  absl::StatusOr<std::vector<ApiKeyRecord>> ListApiKeys(
      int64_t user_id) override;
  absl::Status UpdateApiKey(const ApiKeyRecord& key) override;
  absl::StatusOr<int64_t> InsertServiceRequest(
      const ServiceRequestRecord& r) override;
  absl::Status UpdateServiceRequest(const ServiceRequestRecord& r) override;
  absl::StatusOr<std::optional<ServiceRequestRecord>> FindServiceRequest(
      int64_t id) override;
  absl::StatusOr<std::vector<ServiceRequestRecord>> ListServiceRequests(
      const ServiceRequestFilter& filter) override;
  absl::StatusOr<std::optional<ServiceRequestRecord>> FindServiceRequestOfJob(
      int64_t job_id) override;
  absl::StatusOr<int64_t> InsertWebhookDelivery(
      const WebhookDeliveryRecord& d) override;
  absl::StatusOr<std::vector<WebhookDeliveryRecord>> ListWebhookDeliveries(
      const std::string& endpoint, int limit) override;
  absl::Status UpdateWebhookAttempt(int64_t id, int attempts,
                                    absl::Time next_attempt_at) override;
  absl::Status DeleteWebhookDelivery(int64_t id) override;
  absl::StatusOr<int64_t> TrimWebhookDeliveries(const std::string& endpoint,
                                                int64_t keep) override;
  absl::StatusOr<bool> MarkWebhookReminded(const std::string& endpoint,
                                           int64_t reservation_id,
                                           absl::Time at) override;
  absl::Status ForgetWebhookRemindersBefore(absl::Time t) override;

  absl::Status ScrubUser(const ScrubRequest& request) override;
  absl::StatusOr<std::optional<absl::Time>> AnonymisedAt(
      int64_t user_id) override;
  absl::StatusOr<absl::Time> LastActivity(int64_t user_id) override;
  absl::StatusOr<std::vector<int64_t>> ListInactiveUsers(absl::Time t) override;
  absl::StatusOr<std::vector<std::string>> ListForgottenPrograms() override;

 private:
  absl::Status CheckWritable() const;
  absl::StatusOr<std::vector<ReservationRecord>> QueryReservations(
      const std::string& where_sql,
      const std::function<void(SQLite::Statement&)>& bind);
  absl::Status LoadReservationParticipants(ReservationRecord& r);

  StatementCache& statements_;
  SQLite::Database& db_;
  bool writable_;
};

}  // namespace werkbank::store

#endif  // WERKBANK_SERVICES_STORE_SQLITE_TRANSACTION_H_
