// SPDX-License-Identifier: EUPL-1.2
// The machine's states and the one table of the changes between them. The
// table is the design of record (docs/design.md, "Machine states", shows the
// same rows); MachineController::Transition audits every change and marks
// one that is not in it. A stop is never refused, so every state may go to
// fault.
#ifndef WERKBANK_SERVICES_MACHINES_MACHINE_STATES_H_
#define WERKBANK_SERVICES_MACHINES_MACHINE_STATES_H_

#include <array>

namespace werkbank::machines {

enum class State {
  kOffline,
  kLocked,
  kUnlocked,
  kRunning,
  kPaused,
  kFault,
  kBlocked
};
const char* StateName(State s);

// One allowed change and what causes it.
struct StateChange {
  State from;
  State to;
  const char* cause;
};

inline constexpr std::array kStateTable = {
    StateChange{State::kOffline, State::kLocked, "the handshake answered"},
    StateChange{State::kOffline, State::kBlocked,
                "the handshake answered while blocked; staff block"},
    StateChange{State::kOffline, State::kFault, "emergency stop"},
    StateChange{State::kLocked, State::kUnlocked, "unlock"},
    StateChange{State::kLocked, State::kBlocked, "staff block"},
    StateChange{State::kLocked, State::kFault,
                "firmware alarm, lost link, emergency stop"},
    StateChange{State::kLocked, State::kOffline,
                "the port or the handshake failed"},
    StateChange{State::kUnlocked, State::kRunning, "job start"},
    StateChange{State::kUnlocked, State::kLocked,
                "lock, the reservation's end, its basis withdrawn"},
    StateChange{State::kUnlocked, State::kBlocked, "staff block"},
    StateChange{State::kUnlocked, State::kFault,
                "firmware alarm, lost link, emergency stop"},
    StateChange{State::kUnlocked, State::kOffline,
                "the port or the handshake failed"},
    StateChange{State::kRunning, State::kPaused, "pause, an interlock's hold"},
    StateChange{State::kRunning, State::kUnlocked,
                "the job ended inside the reservation"},
    StateChange{State::kRunning, State::kLocked,
                "the job ended after the reservation"},
    StateChange{State::kRunning, State::kFault,
                "emergency stop, abort, lost link"},
    StateChange{State::kPaused, State::kRunning, "resume by a person"},
    StateChange{State::kPaused, State::kUnlocked,
                "cancelled inside the reservation"},
    StateChange{State::kPaused, State::kLocked,
                "cancelled after the reservation"},
    StateChange{State::kPaused, State::kFault,
                "emergency stop, abort, lost link"},
    StateChange{State::kFault, State::kOffline,
                "staff acknowledge (a new session)"},
    StateChange{State::kFault, State::kBlocked, "staff block"},
    StateChange{State::kBlocked, State::kLocked, "staff unblock"},
    StateChange{State::kBlocked, State::kOffline,
                "staff unblock while disconnected"},
    StateChange{State::kBlocked, State::kFault, "emergency stop"},
};

constexpr bool InStateTable(State from, State to) {
  for (const StateChange& c : kStateTable) {
    if (c.from == from && c.to == to) return true;
  }
  return false;
}

}  // namespace werkbank::machines

#endif  // WERKBANK_SERVICES_MACHINES_MACHINE_STATES_H_
