// SPDX-License-Identifier: EUPL-1.2
// Every RPC x (no token, participant, trainer, staff, an API key) against
// the real daemon. The expected table below is the design, written out by hand;
// it is not read from the daemon's own policy, so a wrong rule there fails
// here.
#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "daemon.h"
#include "werkbank/v1/apikeys.grpc.pb.h"

namespace werkbank::testing {
namespace {

enum Who { kNobody, kParticipant, kTrainer, kStaff };
constexpr const char* kWhoNames[] = {"no token", "participant", "trainer",
                                     "staff"};

// Roles allowed past authorization, per RPC.
struct Expect {
  const char* method;
  bool participant, trainer, staff;
};

constexpr Expect kDesign[] = {
    {"Accounts/Logout", true, true, true},
    {"Accounts/WhoAmI", true, true, true},
    {"Accounts/CreateUser", false, true, true},
    {"Accounts/GetUser", true, true, true},
    {"Accounts/ListUsers", false, true, true},
    {"Accounts/UpdateUser", false, false, true},
    {"Accounts/SetPassword", true, true, true},
    {"Accounts/SetCard", false, false, true},
    {"Accounts/RevokeSessions", false, false, true},
    {"Trainings/RecordBriefing", false, true, true},
    {"Trainings/ListBriefings", false, true, true},
    {"Trainings/ListQualifications", true, true, true},
    {"Trainings/RevokeQualification", false, true, true},
    {"Bookings/GetLabInfo", true, true, true},
    {"Bookings/GetAvailability", true, true, true},
    {"Bookings/CreateReservation", true, true, true},
    {"Bookings/CancelReservation", true, true, true},
    {"Bookings/ListReservations", true, true, true},
    {"Bookings/CheckIn", true, true, true},
    {"Machines/ListMachines", true, true, true},
    {"Machines/GetMachine", true, true, true},
    {"Machines/Unlock", true, true, true},
    {"Machines/Lock", true, true, true},
    {"Machines/Block", false, false, true},
    {"Machines/Unblock", false, false, true},
    {"Machines/AcknowledgeFault", false, false, true},
    {"Machines/EmergencyStop", true, true, true},
    {"Machines/ConfirmPresence", true, true, true},
    {"Machines/ConfirmInterlock", true, true, true},
    {"Jobs/UploadJob", true, true, true},
    {"Jobs/GetJob", true, true, true},
    {"Jobs/ListJobs", true, true, true},
    {"Jobs/StartJob", true, true, true},
    {"Jobs/PauseJob", true, true, true},
    {"Jobs/ResumeJob", true, true, true},
    {"Jobs/CancelJob", true, true, true},
    {"Jobs/WatchJob", true, true, true},
    {"PrintService/SubmitServiceRequest", true, true, true},
    {"PrintService/ListServiceRequests", true, true, true},
    {"PrintService/GetServiceRequest", true, true, true},
    {"PrintService/StartServiceRequest", false, true, true},
    {"PrintService/DeclineServiceRequest", false, true, true},
    {"PrintService/WithdrawServiceRequest", true, true, true},
    {"Monitor/WatchLab", false, true, true},
    {"Audit/ListAuditEvents", false, false, true},
    {"Audit/VerifyAuditChain", false, false, true},
    {"Reports/GetUsageReport", false, true, true},
    {"Reports/ExportUserUsage", false, false, true},
    {"Reports/ExportCalendar", true, true, true},
    {"Reports/GetImpactReport", false, true, true},
    {"Visits/RecordVisit", false, true, true},
    {"Visits/ListVisits", false, true, true},
    {"Visits/VisitFromReservation", false, true, true},
    {"Visits/DeleteVisit", false, true, true},
    {"Privacy/ExportMyData", true, true, true},
    {"Privacy/AnonymiseUser", false, false, true},
    {"Admin/Backup", false, false, true},
    {"ApiKeys/CreateApiKey", true, true, true},
    {"ApiKeys/ListApiKeys", true, true, true},
    {"ApiKeys/RevokeApiKey", true, true, true},
};

// What a personal API key (a slicer) may call: reading the machine, its
// own jobs, bookings and briefings, uploading and starting jobs. Nothing
// else, whatever its owner's roles.
constexpr const char* kWithApiKey[] = {
    "Accounts/WhoAmI",       "Trainings/ListQualifications",
    "Bookings/GetLabInfo",   "Bookings/ListReservations",
    "Machines/ListMachines", "Machines/GetMachine",
    "Jobs/UploadJob",        "Jobs/GetJob",
    "Jobs/ListJobs",         "Jobs/StartJob",
    "Jobs/WatchJob",
};

// Calls `method` with an empty request; works for unary and streaming RPCs
// alike, since one message and the final status is all this test needs.
grpc::StatusCode Call(const std::shared_ptr<grpc::Channel>& ch,
                      const std::string& method, const std::string& token) {
  grpc::GenericStub stub(ch);
  grpc::ClientContext ctx;
  if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
  // WatchLab streams until the client goes away: give it one second.
  const bool endless =
      method == "Monitor/WatchLab";  // Admin/Backup streams too, but ends
  ctx.set_deadline(
      std::chrono::system_clock::now() +
      (endless ? std::chrono::seconds(1) : std::chrono::seconds(10)));
  grpc::CompletionQueue cq;
  grpc::Slice empty(std::string(""));
  grpc::ByteBuffer req(&empty, 1);
  auto call = stub.PrepareUnaryCall(&ctx, "/werkbank.v1." + method, req, &cq);
  call->StartCall();
  grpc::ByteBuffer resp;
  grpc::Status status;
  call->Finish(&resp, &status, reinterpret_cast<void*>(1));
  void* tag;
  bool ok;
  cq.Next(&tag, &ok);
  return status.error_code();
}

TEST(RolesMatrixE2E, EveryRpcForEveryRole) {
  auto d = Daemon::Start();
  ASSERT_TRUE(d);
  auto ch = d->Channel();
  const std::string admin = Login(ch, "admin", d->admin_password());
  std::map<Who, std::string> tokens;
  tokens[kNobody] = "";
  tokens[kStaff] = admin;
  tokens[kParticipant] =
      Login(ch, "pia", CreateUser(ch, admin, "pia", {"participant"}));
  tokens[kTrainer] =
      Login(ch, "tom", CreateUser(ch, admin, "tom", {"trainer"}));

  // Login is the one public RPC: an empty request is malformed, not refused.
  EXPECT_EQ(Call(ch, "Accounts/Login", ""), grpc::StatusCode::INVALID_ARGUMENT);

  int checked = 0;
  for (const Expect& e : kDesign) {
    for (Who who : {kNobody, kParticipant, kTrainer, kStaff}) {
      // Logout would end the session the rest of the matrix needs.
      if (std::string(e.method) == "Accounts/Logout" && who != kNobody)
        continue;
      const grpc::StatusCode code = Call(ch, e.method, tokens[who]);
      const bool allowed = who == kParticipant ? e.participant
                           : who == kTrainer   ? e.trainer
                           : who == kStaff     ? e.staff
                                               : false;
      if (who == kNobody) {
        EXPECT_EQ(code, grpc::StatusCode::UNAUTHENTICATED) << e.method;
      } else if (!allowed) {
        EXPECT_EQ(code, grpc::StatusCode::PERMISSION_DENIED)
            << e.method << " as " << kWhoNames[who];
      } else {
        EXPECT_NE(code, grpc::StatusCode::UNAUTHENTICATED)
            << e.method << " as " << kWhoNames[who];
        EXPECT_NE(code, grpc::StatusCode::UNKNOWN)
            << e.method << " as " << kWhoNames[who];
        // An empty request may be invalid or not found, but the caller's
        // role is not what stops it.
        if (code == grpc::StatusCode::PERMISSION_DENIED) {
          ADD_FAILURE() << e.method << " refused " << kWhoNames[who];
        }
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 60 * 4 - 3);
  EXPECT_TRUE(d->Running());
}

TEST(RolesMatrixE2E, AnApiKeyReachesOnlyWhatASlicerNeeds) {
  auto d = Daemon::Start();
  ASSERT_TRUE(d);
  auto ch = d->Channel();
  const std::string admin = Login(ch, "admin", d->admin_password());
  // A staff member's key: the roles would allow everything.
  v1::CreateApiKeyRequest req;
  req.set_label("slicer");
  v1::CreateApiKeyResponse key;
  auto ctx = Authed(admin);
  ASSERT_TRUE(
      v1::ApiKeys::NewStub(ch)->CreateApiKey(ctx.get(), req, &key).ok());
  ASSERT_THAT(key.secret(), ::testing::StartsWith("wbk_"));
  std::set<std::string> allowed(std::begin(kWithApiKey), std::end(kWithApiKey));
  int checked = 0;
  for (const Expect& e : kDesign) {
    const grpc::StatusCode code = Call(ch, e.method, key.secret());
    if (allowed.contains(e.method)) {
      EXPECT_NE(code, grpc::StatusCode::PERMISSION_DENIED) << e.method;
      EXPECT_NE(code, grpc::StatusCode::UNAUTHENTICATED) << e.method;
    } else {
      EXPECT_EQ(code, grpc::StatusCode::PERMISSION_DENIED) << e.method;
    }
    ++checked;
  }
  EXPECT_EQ(checked, 60);
  EXPECT_TRUE(d->Running());
}

}  // namespace
}  // namespace werkbank::testing
