// SPDX-License-Identifier: EUPL-1.2
// Personal API keys: a person creates a few (for their slicers), sees each
// once, and may revoke them; staff may list and revoke anyone's. Keys are
// random (256 bits, "wbk_" and base64url) and stored as their SHA-256, which
// is enough for secrets of that entropy. A key authenticates its owner
// only while the account is enabled; anonymising deletes the keys.
//
// Thread-safe: all state is in the Store.
#ifndef WERKBANK_SERVICES_ACCESS_API_KEYS_H_
#define WERKBANK_SERVICES_ACCESS_API_KEYS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "actor.h"
#include "services/common/clock.h"
#include "services/store/store.h"
#include "werkbank/v1/config.pb.h"

namespace werkbank::access {

struct ApiKeyView {
  store::ApiKeyRecord record;
  std::string owner_login;
};

struct CreatedApiKey {
  ApiKeyView key;
  std::string secret;  // shown once
};

class ApiKeys {
 public:
  static constexpr int kDefaultMaxPerUser = 10;

  ApiKeys(store::Store& store, const Clock& clock,
          const v1::AccountPolicy& policy);

  // INVALID_ARGUMENT for an empty or overlong label; RESOURCE_EXHAUSTED
  // when the caller holds the most live keys allowed already.
  absl::StatusOr<CreatedApiKey> Create(const Actor& actor,
                                       const std::string& label);
  // `login` empty: the caller's own; someone else's: staff only.
  absl::StatusOr<std::vector<ApiKeyView>> List(const Actor& actor,
                                               const std::string& login);
  // The caller's own; staff any. A revoked key stays listed, as revoked.
  absl::StatusOr<ApiKeyView> Revoke(const Actor& actor, int64_t id);

 private:
  int MaxPerUser() const;

  store::Store& store_;
  const Clock& clock_;
  v1::AccountPolicy policy_;
};

// Whether a bearer token is an API key rather than a session token.
bool IsApiKey(absl::string_view token);

// The key's owner as the actor (Actor::api_key_id set); UNAUTHENTICATED
// for an unknown or revoked key or a disabled account.
absl::StatusOr<Actor> AuthenticateApiKey(store::Store& store,
                                         const std::string& key);

// The same for a key known by its id (a stream opened with it checks that
// the key still stands).
absl::StatusOr<Actor> AuthenticateApiKeyId(store::Store& store, int64_t id);

// Records that `actor` (authenticated by a key) called `method`: the key's
// last use and an "apikey.use" audit event, so that whatever the key does
// is attributed to its owner.
absl::Status RecordApiKeyUse(store::Store& store, absl::Time now,
                             const Actor& actor, absl::string_view method);

}  // namespace werkbank::access

#endif  // WERKBANK_SERVICES_ACCESS_API_KEYS_H_
