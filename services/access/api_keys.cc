// SPDX-License-Identifier: EUPL-1.2
// Personal API keys; see api_keys.h.
#include "api_keys.h"

#include <functional>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "accounts.h"
#include "services/audit/audit_log.h"
#include "services/common/crypto.h"
#include "services/common/validate.h"

namespace werkbank::access {
namespace {

constexpr absl::string_view kKeyPrefix = "wbk_";
constexpr size_t kShownPrefix = 10;  // "wbk_" and six characters

constexpr char kInvalidKey[] =
    "this API key is not valid (unknown, revoked, or its account is "
    "disabled); create a new one in the web app under \"API keys\" and enter "
    "it in the slicer";

absl::StatusOr<std::string> LoginOf(store::Transaction& tx, int64_t id) {
  auto u = tx.FindUserById(id);
  if (!u.ok()) return u.status();
  return *u ? (*u)->login : absl::StrCat("user#", id);
}

}  // namespace

bool IsApiKey(absl::string_view token) {
  return absl::StartsWith(token, kKeyPrefix);
}

ApiKeys::ApiKeys(store::Store& store, const Clock& clock,
                 const v1::AccountPolicy& policy)
    : store_(store), clock_(clock), policy_(policy) {}

int ApiKeys::MaxPerUser() const {
  return policy_.has_max_api_keys_per_user() &&
                 policy_.max_api_keys_per_user() > 0
             ? policy_.max_api_keys_per_user()
             : kDefaultMaxPerUser;
}

absl::StatusOr<CreatedApiKey> ApiKeys::Create(const Actor& actor,
                                              const std::string& label) {
  if (auto s = validate::Text("label", label, 100, true); !s.ok()) return s;
  if (actor.ViaApiKey()) {
    return absl::PermissionDeniedError(
        "an API key cannot create keys; log in to create one");
  }
  CreatedApiKey created;
  created.secret = absl::StrCat(
      kKeyPrefix, crypto::Base64UrlEncode(crypto::RandomBytes(32)));
  store::ApiKeyRecord& k = created.key.record;
  k.user_id = actor.user_id;
  k.label = label;
  k.key_hash = crypto::Sha256Hex(created.secret);
  k.prefix = created.secret.substr(0, kShownPrefix);
  k.created_at = clock_.Now();
  created.key.owner_login = actor.login;
  const int max = MaxPerUser();
  auto s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    auto keys = tx.ListApiKeys(actor.user_id);
    if (!keys.ok()) return keys.status();
    int live = 0;
    for (const auto& key : *keys) live += key.revoked_at ? 0 : 1;
    if (live >= max) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "you hold ", live,
          " API keys already, the most the lab allows; "
          "revoke one you no longer use (`werkbank apikey list`, then "
          "`werkbank apikey revoke ID`)"));
    }
    auto id = tx.InsertApiKey(k);
    if (!id.ok()) return id.status();
    k.id = *id;
    return audit::Append(
               tx,
               {actor.login, "apikey.create", absl::StrCat("apikey/", k.id),
                absl::StrCat("label \"", label, "\" prefix ", k.prefix)},
               k.created_at)
        .status();
  });
  if (!s.ok()) return s;
  return created;
}

absl::StatusOr<std::vector<ApiKeyView>> ApiKeys::List(
    const Actor& actor, const std::string& login) {
  std::vector<ApiKeyView> out;
  auto s = store_.Read([&](store::Transaction& tx) -> absl::Status {
    int64_t user_id = actor.user_id;
    std::string owner = actor.login;
    if (!login.empty() && login != actor.login) {
      if (!actor.IsStaff()) {
        return absl::PermissionDeniedError(
            "only staff may list someone else's API keys");
      }
      auto u = RequireUser(tx, login);
      if (!u.ok()) return u.status();
      user_id = u->id;
      owner = u->login;
    }
    auto keys = tx.ListApiKeys(user_id);
    if (!keys.ok()) return keys.status();
    for (auto& k : *keys) out.push_back({std::move(k), owner});
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<ApiKeyView> ApiKeys::Revoke(const Actor& actor, int64_t id) {
  ApiKeyView view;
  auto s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    auto k = tx.FindApiKey(id);
    if (!k.ok()) return k.status();
    // Someone else's key is "not found" to a participant: ids tell nothing.
    if (!*k || ((*k)->user_id != actor.user_id && !actor.IsStaff())) {
      return absl::NotFoundError(absl::StrCat(
          "you have no API key ", id, "; `werkbank apikey list` shows yours"));
    }
    view.record = **k;
    auto owner = LoginOf(tx, view.record.user_id);
    if (!owner.ok()) return owner.status();
    view.owner_login = *owner;
    if (view.record.revoked_at) return absl::OkStatus();  // already
    view.record.revoked_at = clock_.Now();
    if (auto u = tx.UpdateApiKey(view.record); !u.ok()) return u;
    return audit::Append(
               tx,
               {actor.login, "apikey.revoke", absl::StrCat("apikey/", id),
                absl::StrCat("of ", view.owner_login, ", label \"",
                             view.record.label, "\"")},
               *view.record.revoked_at)
        .status();
  });
  if (!s.ok()) return s;
  return view;
}

namespace {

// The actor behind a key found by `find`; UNAUTHENTICATED for a missing or
// revoked key or a disabled account.
absl::StatusOr<Actor> ActorOfKey(
    store::Store& store,
    const std::function<absl::StatusOr<std::optional<store::ApiKeyRecord>>(
        store::Transaction&)>& find) {
  Actor actor;
  auto s = store.Read([&](store::Transaction& tx) -> absl::Status {
    auto k = find(tx);
    if (!k.ok()) return k.status();
    if (!*k || (*k)->revoked_at) return absl::UnauthenticatedError(kInvalidKey);
    auto u = tx.FindUserById((*k)->user_id);
    if (!u.ok()) return u.status();
    if (!*u || (*u)->disabled) return absl::UnauthenticatedError(kInvalidKey);
    actor = Actor{(*u)->id, (*u)->login, (*u)->roles, ""};
    actor.api_key_id = (*k)->id;
    actor.api_key_label = (*k)->label;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return actor;
}

}  // namespace

absl::StatusOr<Actor> AuthenticateApiKey(store::Store& store,
                                         const std::string& key) {
  if (!IsApiKey(key) || key.size() > 128) {
    return absl::UnauthenticatedError(kInvalidKey);
  }
  const std::string hash = crypto::Sha256Hex(key);
  return ActorOfKey(
      store, [&](store::Transaction& tx) { return tx.FindApiKeyByHash(hash); });
}

absl::StatusOr<Actor> AuthenticateApiKeyId(store::Store& store, int64_t id) {
  return ActorOfKey(store,
                    [&](store::Transaction& tx) { return tx.FindApiKey(id); });
}

absl::Status RecordApiKeyUse(store::Store& store, absl::Time now,
                             const Actor& actor, absl::string_view method) {
  return store.Write([&](store::Transaction& tx) -> absl::Status {
    auto k = tx.FindApiKey(actor.api_key_id);
    if (!k.ok()) return k.status();
    if (!*k) return absl::UnauthenticatedError(kInvalidKey);
    store::ApiKeyRecord r = **k;
    r.last_used_at = now;
    if (auto u = tx.UpdateApiKey(r); !u.ok()) return u;
    return audit::Append(tx,
                         {actor.login, "apikey.use",
                          absl::StrCat("apikey/", actor.api_key_id),
                          absl::StrCat(method, actor.Via())},
                         now)
        .status();
  });
}

}  // namespace werkbank::access
