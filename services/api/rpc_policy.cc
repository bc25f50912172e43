// SPDX-License-Identifier: EUPL-1.2
// The roles table; see rpc_policy.h.
#include "rpc_policy.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace werkbank::api {
namespace {

constexpr uint32_t kAny = 0;
constexpr uint32_t kTrainerOrStaff = store::kTrainer | store::kStaff;
constexpr uint32_t kStaffOnly = store::kStaff;

}  // namespace

const std::map<std::string, RpcRule>& RpcRules() {
  static const auto* kRules = new std::map<std::string, RpcRule>{
      {"Accounts/Login", {true, kAny}},
      {"Accounts/Logout", {false, kAny}},
      {"Accounts/WhoAmI", {false, kAny, KeyUse::kRead}},
      {"Accounts/CreateUser", {false, kTrainerOrStaff}},
      {"Accounts/GetUser", {false, kAny}},
      {"Accounts/ListUsers", {false, kTrainerOrStaff}},
      {"Accounts/UpdateUser", {false, kStaffOnly}},
      {"Accounts/SetPassword", {false, kAny}},
      {"Accounts/SetCard", {false, kStaffOnly}},
      {"Accounts/RevokeSessions", {false, kStaffOnly}},

      {"Trainings/RecordBriefing", {false, kTrainerOrStaff}},
      {"Trainings/ListBriefings", {false, kTrainerOrStaff}},
      {"Trainings/ListQualifications", {false, kAny, KeyUse::kRead}},
      {"Trainings/RevokeQualification", {false, kTrainerOrStaff}},

      {"Bookings/GetLabInfo", {false, kAny, KeyUse::kRead}},
      {"Bookings/GetAvailability", {false, kAny}},
      {"Bookings/CreateReservation", {false, kAny}},
      {"Bookings/CancelReservation", {false, kAny}},
      {"Bookings/ListReservations", {false, kAny, KeyUse::kRead}},
      {"Bookings/CheckIn", {false, kAny}},

      {"Machines/ListMachines", {false, kAny, KeyUse::kRead}},
      {"Machines/GetMachine", {false, kAny, KeyUse::kRead}},
      {"Machines/Unlock", {false, kAny}},
      {"Machines/Lock", {false, kAny}},
      {"Machines/Block", {false, kStaffOnly}},
      {"Machines/Unblock", {false, kStaffOnly}},
      {"Machines/AcknowledgeFault", {false, kStaffOnly}},
      {"Machines/EmergencyStop", {false, kAny}},
      {"Machines/ConfirmPresence", {false, kAny}},
      {"Machines/ConfirmInterlock", {false, kAny}},

      {"Jobs/UploadJob", {false, kAny, KeyUse::kAudited}},
      {"Jobs/GetJob", {false, kAny, KeyUse::kRead}},
      {"Jobs/ListJobs", {false, kAny, KeyUse::kRead}},
      {"Jobs/StartJob", {false, kAny, KeyUse::kAudited}},
      {"Jobs/PauseJob", {false, kAny}},
      {"Jobs/ResumeJob", {false, kAny}},
      {"Jobs/CancelJob", {false, kAny}},
      {"Jobs/WatchJob", {false, kAny, KeyUse::kRead}},

      // The print service: anyone asks; trainers and staff run or decline.
      {"PrintService/SubmitServiceRequest", {false, kAny}},
      {"PrintService/ListServiceRequests", {false, kAny}},
      {"PrintService/GetServiceRequest", {false, kAny}},
      {"PrintService/StartServiceRequest", {false, kTrainerOrStaff}},
      {"PrintService/DeclineServiceRequest", {false, kTrainerOrStaff}},
      {"PrintService/WithdrawServiceRequest", {false, kAny}},

      {"Monitor/WatchLab", {false, kTrainerOrStaff}},

      {"Audit/ListAuditEvents", {false, kStaffOnly}},
      {"Audit/VerifyAuditChain", {false, kStaffOnly}},

      {"Reports/GetUsageReport", {false, kTrainerOrStaff}},
      {"Reports/ExportUserUsage", {false, kStaffOnly}},
      {"Reports/ExportCalendar", {false, kAny}},
      {"Reports/GetImpactReport", {false, kTrainerOrStaff}},

      {"Visits/RecordVisit", {false, kTrainerOrStaff}},
      {"Visits/ListVisits", {false, kTrainerOrStaff}},
      {"Visits/VisitFromReservation", {false, kTrainerOrStaff}},
      {"Visits/DeleteVisit", {false, kTrainerOrStaff}},

      {"Privacy/ExportMyData", {false, kAny}},
      {"Privacy/AnonymiseUser", {false, kStaffOnly}},

      {"Admin/Backup", {false, kStaffOnly}},

      {"ApiKeys/CreateApiKey", {false, kAny}},
      {"ApiKeys/ListApiKeys", {false, kAny}},
      {"ApiKeys/RevokeApiKey", {false, kAny}},
  };
  return *kRules;
}

absl::StatusOr<access::Actor> Authorize(const grpc::ServerContextBase& context,
                                        const std::string& method,
                                        const access::Accounts& accounts) {
  auto rule = RpcRules().find(method);
  if (rule == RpcRules().end()) {
    // A method without a rule is a programming error; refuse rather than allow.
    return absl::PermissionDeniedError(
        absl::StrCat("no access rule for ", method));
  }
  if (rule->second.is_public) return access::Actor{};
  const auto& md = context.client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) {
    return absl::UnauthenticatedError(
        "log in first (`werkbank login`): this call needs a session");
  }
  std::string value(it->second.data(), it->second.size());
  constexpr absl::string_view kBearer = "Bearer ";
  if (!absl::StartsWith(value, kBearer)) {
    return absl::UnauthenticatedError(
        "the authorization header must be \"Bearer <token>\"");
  }
  auto actor = accounts.Authenticate(value.substr(kBearer.size()));
  if (!actor.ok()) return actor.status();
  if (actor->ViaApiKey()) {
    if (rule->second.api_key == KeyUse::kNo) {
      return absl::PermissionDeniedError(absl::StrCat(
          method, " cannot be called with an API key; log in for it"));
    }
    if (rule->second.api_key == KeyUse::kAudited) {
      if (auto s = accounts.RecordApiKeyUse(*actor, method); !s.ok()) {
        return s;
      }
    }
  }
  if (rule->second.roles != 0 && (actor->roles & rule->second.roles) == 0) {
    return absl::PermissionDeniedError(absl::StrCat(
        method,
        " needs one of the roles: ", access::RolesToString(rule->second.roles),
        "; you are ", access::RolesToString(actor->roles)));
  }
  return actor;
}

}  // namespace werkbank::api
