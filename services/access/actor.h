// SPDX-License-Identifier: EUPL-1.2
// Who is calling: the authenticated user behind a request.
#ifndef WERKBANK_SERVICES_ACCESS_ACTOR_H_
#define WERKBANK_SERVICES_ACCESS_ACTOR_H_

#include <cstdint>
#include <string>

#include "services/store/records.h"

namespace werkbank::access {

struct Actor {
  int64_t user_id = 0;
  std::string login;
  uint32_t roles = 0;
  std::string token_hash;  // the session the request came with
  // Set when the request came with a personal API key (a slicer) instead
  // of a session.
  int64_t api_key_id = 0;
  std::string api_key_label;

  bool ViaApiKey() const { return api_key_id != 0; }
  // " via API key 3 "PrusaSlicer"" for audit details; empty for a session.
  std::string Via() const {
    if (!ViaApiKey()) return "";
    return " via API key " + std::to_string(api_key_id) + " \"" +
           api_key_label + "\"";
  }

  bool Has(store::RoleBit role) const { return (roles & role) != 0; }
  bool IsStaff() const { return Has(store::kStaff); }
  bool IsTrainer() const { return Has(store::kTrainer); }
  bool IsTrainerOrStaff() const { return IsTrainer() || IsStaff(); }
};

}  // namespace werkbank::access

#endif  // WERKBANK_SERVICES_ACCESS_ACTOR_H_
