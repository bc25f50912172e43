// SPDX-License-Identifier: EUPL-1.2
// The machine's state table: a stop is never refused (every state may go to
// fault), nothing resumes by itself (only a person's resume leaves paused for
// running), and a fault leaves only through staff.
#include "services/machines/machine_states.h"

#include <gtest/gtest.h>

namespace werkbank::machines {
namespace {

constexpr State kAll[] = {State::kOffline, State::kLocked, State::kUnlocked,
                          State::kRunning, State::kPaused, State::kFault,
                          State::kBlocked};

TEST(MachineStatesTest, EveryStateMayGoToFault) {
  for (State s : kAll) {
    if (s == State::kFault) continue;
    EXPECT_TRUE(InStateTable(s, State::kFault)) << StateName(s);
  }
}

TEST(MachineStatesTest, FaultLeavesOnlyThroughStaff) {
  for (State to : kAll) {
    const bool allowed = to == State::kOffline || to == State::kBlocked;
    EXPECT_EQ(InStateTable(State::kFault, to), allowed) << StateName(to);
  }
}

TEST(MachineStatesTest, OnlyAnUnlockedMachineStartsAJob) {
  for (State from : kAll) {
    EXPECT_EQ(InStateTable(from, State::kRunning),
              from == State::kUnlocked || from == State::kPaused)
        << StateName(from);
  }
}

TEST(MachineStatesTest, EveryChangeHasACauseAndIsAChange) {
  for (const StateChange& c : kStateTable) {
    EXPECT_NE(c.from, c.to) << StateName(c.from);
    EXPECT_STRNE(c.cause, "") << StateName(c.from);
  }
}

TEST(MachineStatesTest, AnOfflineMachineIsNeverUnlockedDirectly) {
  EXPECT_FALSE(InStateTable(State::kOffline, State::kUnlocked));
  EXPECT_FALSE(InStateTable(State::kBlocked, State::kUnlocked));
  EXPECT_FALSE(InStateTable(State::kFault, State::kLocked));
}

}  // namespace
}  // namespace werkbank::machines
