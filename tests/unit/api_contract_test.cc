// SPDX-License-Identifier: EUPL-1.2
// The API contract where it changed: fields that did nothing are gone, and
// their numbers are reserved so that no later field reuses them.
#include <gtest/gtest.h>

#include "werkbank/v1/machines.pb.h"

namespace werkbank {
namespace {

TEST(ApiContract, UnlockHasNoBriefingIdAndItsNumberIsReserved) {
  const google::protobuf::Descriptor* unlock = v1::UnlockRequest::descriptor();
  EXPECT_EQ(unlock->FindFieldByName("briefing_id"), nullptr);
  EXPECT_EQ(unlock->FindFieldByNumber(3), nullptr);
  EXPECT_TRUE(unlock->IsReservedNumber(3));
  EXPECT_TRUE(unlock->IsReservedName("briefing_id"));
}

}  // namespace
}  // namespace werkbank
