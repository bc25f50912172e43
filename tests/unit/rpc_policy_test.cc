// SPDX-License-Identifier: EUPL-1.2
// Every RPC of the API has exactly one access rule, and no rule names an RPC
// that does not exist: a new RPC cannot slip in unguarded.
#include "services/api/rpc_policy.h"

#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include <set>

#include "werkbank/v1/accounts.pb.h"
#include "werkbank/v1/admin.pb.h"
#include "werkbank/v1/apikeys.pb.h"
#include "werkbank/v1/audit.pb.h"
#include "werkbank/v1/bookings.pb.h"
#include "werkbank/v1/jobs.pb.h"
#include "werkbank/v1/machines.pb.h"
#include "werkbank/v1/monitor.pb.h"
#include "werkbank/v1/privacy.pb.h"
#include "werkbank/v1/reports.pb.h"
#include "werkbank/v1/service_requests.pb.h"
#include "werkbank/v1/trainings.pb.h"
#include "werkbank/v1/visits.pb.h"

namespace werkbank::api {
namespace {

TEST(RpcPolicy, EveryMethodHasARuleAndEveryRuleAMethod) {
  const google::protobuf::FileDescriptor* files[] = {
      v1::LoginRequest::descriptor()->file(),
      v1::Briefing::descriptor()->file(),
      v1::Reservation::descriptor()->file(),
      v1::Machine::descriptor()->file(),
      v1::Job::descriptor()->file(),
      v1::LabSnapshot::descriptor()->file(),
      v1::AuditEvent::descriptor()->file(),
      v1::UsageReport::descriptor()->file(),
      v1::BackupChunk::descriptor()->file(),
      v1::Visit::descriptor()->file(),
      v1::PersonalData::descriptor()->file(),
      v1::ApiKey::descriptor()->file(),
      v1::ServiceRequest::descriptor()->file(),
  };
  std::set<std::string> methods;
  for (const auto* file : files) {
    for (int s = 0; s < file->service_count(); ++s) {
      const auto* service = file->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        methods.insert(service->name() + "/" + service->method(m)->name());
      }
    }
  }
  EXPECT_EQ(methods.size(), 61u);
  for (const auto& m : methods) {
    EXPECT_TRUE(RpcRules().contains(m)) << m << " has no access rule";
  }
  for (const auto& [name, rule] : RpcRules()) {
    EXPECT_TRUE(methods.contains(name)) << name << " is not an RPC";
  }
}

TEST(RpcPolicy, AnApiKeyNeverManagesKeysAccountsOrMachines) {
  for (const auto& [name, rule] : RpcRules()) {
    if (name.starts_with("ApiKeys/") || name.starts_with("Accounts/Set") ||
        name == "Machines/Unlock" || name == "Jobs/CancelJob" ||
        name.starts_with("Audit/") || name.starts_with("Admin/")) {
      EXPECT_EQ(rule.api_key, KeyUse::kNo) << name;
    }
    if (name == "Jobs/UploadJob" || name == "Jobs/StartJob") {
      EXPECT_EQ(rule.api_key, KeyUse::kAudited) << name;
    }
  }
}

TEST(RpcPolicy, OnlyLoginIsPublic) {
  for (const auto& [name, rule] : RpcRules()) {
    EXPECT_EQ(rule.is_public, name == "Accounts/Login") << name;
  }
}

}  // namespace
}  // namespace werkbank::api
