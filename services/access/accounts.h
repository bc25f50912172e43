// SPDX-License-Identifier: EUPL-1.2
// Accounts: users, logins, bearer tokens. Decides who may manage whom.
//
// Thread-safe: all state is in the Store.
#ifndef WERKBANK_SERVICES_ACCESS_ACCOUNTS_H_
#define WERKBANK_SERVICES_ACCESS_ACCOUNTS_H_

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "actor.h"
#include "hash_gate.h"
#include "services/common/clock.h"
#include "services/store/store.h"
#include "werkbank/v1/config.pb.h"

namespace werkbank::access {

struct LoginResult {
  std::string token;  // shown to the client once; only its hash is stored
  absl::Time expires_at;
  store::UserRecord user;
};

struct NewUser {
  std::string login;
  std::string display_name;
  uint32_t roles = store::kParticipant;
  store::UserGroup group = store::UserGroup::kCitizen;
  std::string password;  // empty: generate one
};

struct CreatedUser {
  store::UserRecord user;
  std::string generated_password;  // set when NewUser::password was empty
};

struct UserUpdate {
  std::string login;
  std::optional<std::string> display_name;
  std::optional<uint32_t> roles;
  std::optional<store::UserGroup> group;
  std::optional<bool> disabled;
  std::string reason;
};

class Accounts {
 public:
  Accounts(store::Store& store, const Clock& clock,
           const v1::AccountPolicy& policy,
           HashGate::Limits hashing = HashGate::Limits());

  // UNAUTHENTICATED for a wrong login or secret; RESOURCE_EXHAUSTED while
  // the name is slowed down or locked after repeated failures (counted
  // before the secret is checked: login_throttle.h); UNAVAILABLE while too
  // many logins are being checked (hash_gate.h). A login that does not
  // exist gets the same answers, after the same work, as one that does.
  absl::StatusOr<LoginResult> LoginWithPassword(const std::string& login,
                                                const std::string& password);
  absl::StatusOr<LoginResult> LoginWithCard(const std::string& card_uid,
                                            const std::string& pin);

  // The actor behind a bearer token or a personal API key (api_keys.h);
  // UNAUTHENTICATED when it is unknown, expired, revoked, or its user
  // disabled.
  absl::StatusOr<Actor> Authenticate(const std::string& token) const;
  // The same for a session known by its token's hash (Actor::token_hash).
  absl::StatusOr<Actor> AuthenticateHash(const std::string& token_hash) const;

  // The actor of a personal API key by its id (Actor::api_key_id).
  absl::StatusOr<Actor> AuthenticateApiKeyId(int64_t id) const;
  // A call made with an API key, recorded as its owner's (api_keys.h).
  absl::Status RecordApiKeyUse(const Actor& actor,
                               absl::string_view method) const;

  // Secrets hashed or verified so far (tests compare known and unknown
  // logins).
  int64_t hashes_started() const { return hashes_.load(); }

  absl::Status Logout(const Actor& actor);

  // Staff create anyone; trainers create participants only.
  absl::StatusOr<CreatedUser> CreateUser(const Actor& actor, NewUser user);

  // Staff and trainers see anyone; others only themselves.
  absl::StatusOr<store::UserRecord> GetUser(const Actor& actor,
                                            const std::string& login);
  absl::StatusOr<store::UserRecord> GetUserById(const Actor& actor, int64_t id);
  absl::StatusOr<std::vector<store::UserRecord>> ListUsers(
      const Actor& actor, bool include_disabled);
  absl::StatusOr<store::UserRecord> UpdateUser(const Actor& actor,
                                               const UserUpdate& update);
  // Staff for anyone; anyone (staff too) for themselves with the current
  // password, a wrong one counting as a failed login. Ends the user's
  // other sessions (all of them when staff set someone else's). Returns
  // the user whose password changed.
  absl::StatusOr<store::UserRecord> SetPassword(
      const Actor& actor, const std::string& login, const std::string& current,
      const std::string& new_password);
  absl::Status SetCard(const Actor& actor, const std::string& login,
                       const std::string& card_uid, const std::string& pin);
  absl::StatusOr<int> RevokeSessions(const Actor& actor,
                                     const std::string& login);

  // On an empty database: creates the first staff account "admin" and returns
  // its one-time password. Returns nullopt when users exist already.
  absl::StatusOr<std::optional<std::string>> BootstrapFirstStaff();

 private:
  // A login by password (use_pin false: `key` is the login) or by card.
  absl::StatusOr<LoginResult> Login(const std::string& key,
                                    const std::string& secret, bool use_pin);
  // Hashes `secret` in a turn of the gate.
  absl::StatusOr<std::string> Hash(const std::string& secret);

  store::Store& store_;
  const Clock& clock_;
  v1::AccountPolicy policy_;
  HashGate hash_gate_;
  std::atomic<int64_t> hashes_{0};
};

// Lower-level helpers shared by the other domain services.
absl::StatusOr<store::UserRecord> RequireUser(store::Transaction& tx,
                                              const std::string& login);
absl::StatusOr<std::vector<std::string>> LoginsOf(
    store::Transaction& tx, const std::vector<int64_t>& ids);
std::string RolesToString(uint32_t roles);

}  // namespace werkbank::access

#endif  // WERKBANK_SERVICES_ACCESS_ACCOUNTS_H_
