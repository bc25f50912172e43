// SPDX-License-Identifier: EUPL-1.2
// Accounts; see accounts.h. Secrets never appear in errors, logs or audit
// details.
#include "accounts.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api_keys.h"
#include "login_throttle.h"
#include "secret_hash.h"
#include "services/audit/audit_log.h"
#include "services/common/crypto.h"
#include "services/common/validate.h"

namespace werkbank::access {
namespace {

constexpr char kWrongCredentials[] = "login or password is wrong";
constexpr char kWrongCard[] = "card or PIN is wrong";

// A hash to verify against when the login does not exist, so that the answer
// takes as long as for a real account.
const std::string& DummyHash() {
  static const std::string kHash = HashSecret("werkbank-no-such-user");
  return kHash;
}

absl::Status CheckPassword(absl::string_view password) {
  if (password.size() < 8 || password.size() > 256) {
    return absl::InvalidArgumentError("a password needs 8 to 256 characters");
  }
  return absl::OkStatus();
}

absl::Status CheckPin(absl::string_view pin) {
  bool ok = pin.size() >= 4 && pin.size() <= 12 &&
            std::all_of(pin.begin(), pin.end(),
                        [](char c) { return c >= '0' && c <= '9'; });
  if (!ok) return absl::InvalidArgumentError("a PIN is 4 to 12 digits");
  return absl::OkStatus();
}

absl::Status CheckCardUid(absl::string_view uid) {
  bool ok = !uid.empty() && uid.size() <= 64 &&
            std::all_of(uid.begin(), uid.end(), [](char c) {
              return std::isalnum(static_cast<unsigned char>(c)) || c == ':' ||
                     c == '-';
            });
  if (!ok) {
    return absl::InvalidArgumentError(
        "a card UID is 1-64 characters of letters, digits, ':' and '-'");
  }
  return absl::OkStatus();
}

absl::Status CheckRoles(uint32_t roles) {
  if (roles == 0 ||
      (roles & ~(store::kParticipant | store::kTrainer | store::kStaff)) != 0) {
    return absl::InvalidArgumentError(
        "give at least one role: participant, trainer or staff");
  }
  return absl::OkStatus();
}

absl::Status CheckGroup(store::UserGroup g) {
  int v = static_cast<int>(g);
  if (v < 1 || v > 5) {
    return absl::InvalidArgumentError(
        "group must be one of citizen, school, club, business, administration");
  }
  return absl::OkStatus();
}

}  // namespace

std::string RolesToString(uint32_t roles) {
  std::vector<std::string> names;
  if (roles & store::kParticipant) names.push_back("participant");
  if (roles & store::kTrainer) names.push_back("trainer");
  if (roles & store::kStaff) names.push_back("staff");
  return absl::StrJoin(names, ",");
}

absl::StatusOr<store::UserRecord> RequireUser(store::Transaction& tx,
                                              const std::string& login) {
  auto found = tx.FindUserByLogin(login);
  if (!found.ok()) return found.status();
  if (!*found) {
    return absl::NotFoundError(
        absl::StrCat("no user with login \"", login.substr(0, 40), "\""));
  }
  return **found;
}

absl::StatusOr<std::vector<std::string>> LoginsOf(
    store::Transaction& tx, const std::vector<int64_t>& ids) {
  std::vector<std::string> out;
  for (int64_t id : ids) {
    auto u = tx.FindUserById(id);
    if (!u.ok()) return u.status();
    out.push_back(*u ? (*u)->login : absl::StrCat("#", id));
  }
  return out;
}

Accounts::Accounts(store::Store& store, const Clock& clock,
                   const v1::AccountPolicy& policy, HashGate::Limits hashing)
    : store_(store), clock_(clock), policy_(policy), hash_gate_(hashing) {}

absl::StatusOr<std::string> Accounts::Hash(const std::string& secret) {
  auto turn = hash_gate_.Enter();
  if (!turn.ok()) return turn.status();
  ++hashes_;
  return HashSecret(secret);
}

absl::StatusOr<LoginResult> Accounts::LoginWithPassword(
    const std::string& login, const std::string& password) {
  if (login.empty() || login.size() > 64 || password.size() > 256) {
    return absl::UnauthenticatedError(kWrongCredentials);
  }
  return Login(login, password, /*use_pin=*/false);
}

absl::StatusOr<LoginResult> Accounts::LoginWithCard(const std::string& card_uid,
                                                    const std::string& pin) {
  if (!CheckCardUid(card_uid).ok() || pin.size() > 64) {
    return absl::UnauthenticatedError(kWrongCard);
  }
  return Login(card_uid, pin, /*use_pin=*/true);
}

absl::StatusOr<LoginResult> Accounts::Login(const std::string& key,
                                            const std::string& secret,
                                            bool use_pin) {
  const char* wrong = use_pin ? kWrongCard : kWrongCredentials;
  const std::string subject = absl::StrCat(use_pin ? "card:" : "login:", key);
  const absl::Time now = clock_.Now();
  std::optional<store::UserRecord> user;
  store::LoginFailureRecord counted;
  bool match = false;
  {
    // Only an attempt that gets a turn to hash is counted: "busy" costs
    // the name nothing.
    auto turn = hash_gate_.Enter();
    if (!turn.ok()) return turn.status();
    auto s = store_.Write([&](store::Transaction& tx) -> absl::Status {
      auto c = CountAttempt(tx, subject, now, policy_);
      if (!c.ok()) return c.status();
      counted = *c;
      auto found = use_pin ? tx.FindUserByCard(key) : tx.FindUserByLogin(key);
      if (!found.ok()) return found.status();
      user = *found;
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    const std::string* stored = nullptr;
    if (user && !user->disabled) {
      stored = use_pin ? &user->pin_hash : &user->password_hash;
      if (stored->empty()) stored = nullptr;
    }
    // scrypt runs outside any transaction: it is slow on purpose. A name
    // without an account is checked against a dummy hash, as slowly.
    ++hashes_;
    match = VerifySecret(secret, stored ? *stored : DummyHash()) &&
            stored != nullptr;
  }
  if (!match) {
    const std::string who = user ? user->login : absl::CHexEscape(key);
    const std::string why = !user            ? "no such account"
                            : user->disabled ? "account disabled"
                            : use_pin        ? "wrong PIN"
                                             : "wrong password";
    auto s = store_.Write([&](store::Transaction& tx) -> absl::Status {
      return audit::Append(
                 tx,
                 {who, "login.failed",
                  absl::StrCat(use_pin ? "card/" : "user/",
                               use_pin ? absl::CHexEscape(key) : who),
                  absl::StrCat(why, " (", counted.failures, " in a row)",
                               Consequence(counted, now))},
                 now)
          .status();
    });
    if (!s.ok()) return s;
    return absl::UnauthenticatedError(wrong);
  }
  LoginResult result;
  result.token = crypto::Base64UrlEncode(crypto::RandomBytes(32));
  result.expires_at = now + absl::Seconds(policy_.token_ttl_seconds());
  auto s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    if (auto st = tx.DeleteLoginFailures(subject); !st.ok()) return st;
    auto fresh = tx.FindUserById(user->id);
    if (!fresh.ok()) return fresh.status();
    if (!*fresh || (*fresh)->disabled) {
      return absl::UnauthenticatedError(wrong);
    }
    const store::UserRecord& u = **fresh;
    store::TokenRecord token{crypto::Sha256Hex(result.token), u.id, now,
                             result.expires_at, false};
    if (auto st = tx.InsertToken(token); !st.ok()) return st;
    result.user = u;
    return audit::Append(tx,
                         {u.login, "login", absl::StrCat("user/", u.login),
                          use_pin ? "card and PIN" : "password"},
                         now)
        .status();
  });
  if (!s.ok()) return s;
  return result;
}

absl::StatusOr<Actor> Accounts::Authenticate(const std::string& token) const {
  if (IsApiKey(token)) return AuthenticateApiKey(store_, token);
  if (token.empty() || token.size() > 128) {
    return AuthenticateHash("");
  }
  return AuthenticateHash(crypto::Sha256Hex(token));
}

absl::StatusOr<Actor> Accounts::AuthenticateHash(
    const std::string& hash) const {
  static constexpr char kInvalid[] =
      "your session is not valid (expired, logged out or revoked); log in "
      "again";
  if (hash.empty()) return absl::UnauthenticatedError(kInvalid);
  Actor actor;
  auto s = store_.Read([&](store::Transaction& tx) -> absl::Status {
    auto t = tx.FindToken(hash);
    if (!t.ok()) return t.status();
    if (!*t || (*t)->revoked || clock_.Now() >= (*t)->expires_at) {
      return absl::UnauthenticatedError(kInvalid);
    }
    auto u = tx.FindUserById((*t)->user_id);
    if (!u.ok()) return u.status();
    if (!*u || (*u)->disabled) return absl::UnauthenticatedError(kInvalid);
    actor = Actor{(*u)->id, (*u)->login, (*u)->roles, hash};
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return actor;
}

absl::StatusOr<Actor> Accounts::AuthenticateApiKeyId(int64_t id) const {
  return access::AuthenticateApiKeyId(store_, id);
}

absl::Status Accounts::RecordApiKeyUse(const Actor& actor,
                                       absl::string_view method) const {
  return access::RecordApiKeyUse(store_, clock_.Now(), actor, method);
}

absl::Status Accounts::Logout(const Actor& actor) {
  return store_.Write([&](store::Transaction& tx) -> absl::Status {
    if (auto s = tx.RevokeToken(actor.token_hash); !s.ok()) return s;
    return audit::Append(
               tx,
               {actor.login, "logout", absl::StrCat("user/", actor.login), ""},
               clock_.Now())
        .status();
  });
}

absl::StatusOr<CreatedUser> Accounts::CreateUser(const Actor& actor,
                                                 NewUser nu) {
  if (auto s = validate::Login(nu.login); !s.ok()) return s;
  if (nu.display_name.empty()) nu.display_name = nu.login;
  if (auto s = validate::Text("display name", nu.display_name, 100, true);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckRoles(nu.roles); !s.ok()) return s;
  if (nu.group == store::UserGroup::kUnspecified) {
    nu.group = store::UserGroup::kCitizen;
  }
  if (auto s = CheckGroup(nu.group); !s.ok()) return s;
  if (!actor.IsStaff()) {
    if (!actor.IsTrainer() || nu.roles != store::kParticipant) {
      return absl::PermissionDeniedError(
          "trainers may create participants only; ask staff for other roles");
    }
  }
  CreatedUser created;
  if (nu.password.empty()) {
    nu.password = GeneratePassword();
    created.generated_password = nu.password;
  }
  if (auto s = CheckPassword(nu.password); !s.ok()) return s;
  auto hash = Hash(nu.password);
  if (!hash.ok()) return hash.status();
  store::UserRecord u;
  u.login = nu.login;
  u.display_name = nu.display_name;
  u.roles = nu.roles;
  u.group = nu.group;
  u.password_hash = *hash;
  u.created_at = clock_.Now();
  auto s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    auto id = tx.InsertUser(u);
    if (!id.ok()) return id.status();
    u.id = *id;
    return audit::Append(
               tx,
               {actor.login, "user.create", absl::StrCat("user/", u.login),
                absl::StrCat("roles=", RolesToString(u.roles),
                             " group=", static_cast<int>(u.group))},
               u.created_at)
        .status();
  });
  if (!s.ok()) return s;
  created.user = u;
  return created;
}

absl::StatusOr<store::UserRecord> Accounts::GetUser(const Actor& actor,
                                                    const std::string& login) {
  if (!actor.IsTrainerOrStaff() && login != actor.login) {
    return absl::PermissionDeniedError("you may look at your own account only");
  }
  store::UserRecord out;
  auto s = store_.Read([&](store::Transaction& tx) -> absl::Status {
    auto u = RequireUser(tx, login);
    if (!u.ok()) return u.status();
    out = *u;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<store::UserRecord> Accounts::GetUserById(const Actor& actor,
                                                        int64_t id) {
  if (!actor.IsTrainerOrStaff() && id != actor.user_id) {
    return absl::PermissionDeniedError("you may look at your own account only");
  }
  std::optional<store::UserRecord> out;
  auto s = store_.Read([&](store::Transaction& tx) -> absl::Status {
    auto u = tx.FindUserById(id);
    if (!u.ok()) return u.status();
    out = *u;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (!out) return absl::NotFoundError(absl::StrCat("no user with id ", id));
  return *out;
}

absl::StatusOr<std::vector<store::UserRecord>> Accounts::ListUsers(
    const Actor& actor, bool include_disabled) {
  if (!actor.IsTrainerOrStaff()) {
    return absl::PermissionDeniedError("only trainers and staff list users");
  }
  std::vector<store::UserRecord> out;
  auto s = store_.Read([&](store::Transaction& tx) -> absl::Status {
    auto all = tx.ListUsers();
    if (!all.ok()) return all.status();
    for (auto& u : *all) {
      if (include_disabled || !u.disabled) out.push_back(std::move(u));
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<store::UserRecord> Accounts::UpdateUser(const Actor& actor,
                                                       const UserUpdate& up) {
  if (!actor.IsStaff()) {
    return absl::PermissionDeniedError("only staff change user accounts");
  }
  if (up.display_name) {
    if (auto s = validate::Text("display name", *up.display_name, 100, true);
        !s.ok()) {
      return s;
    }
  }
  if (up.roles) {
    if (auto s = CheckRoles(*up.roles); !s.ok()) return s;
  }
  if (up.group) {
    if (auto s = CheckGroup(*up.group); !s.ok()) return s;
  }
  if (auto s = validate::Text("reason", up.reason, 500, false); !s.ok())
    return s;
  if (up.login == actor.login && ((up.disabled && *up.disabled) ||
                                  (up.roles && !(*up.roles & store::kStaff)))) {
    return absl::FailedPreconditionError(
        "you cannot disable yourself or take away your own staff role; ask "
        "another staff member");
  }
  store::UserRecord out;
  auto s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    auto u = RequireUser(tx, up.login);
    if (!u.ok()) return u.status();
    std::vector<std::string> changes;
    if (up.display_name) {
      u->display_name = *up.display_name;
      changes.push_back("display_name");
    }
    if (up.roles) {
      u->roles = *up.roles;
      changes.push_back(absl::StrCat("roles=", RolesToString(*up.roles)));
    }
    if (up.group) {
      u->group = *up.group;
      changes.push_back(absl::StrCat("group=", static_cast<int>(*up.group)));
    }
    if (up.disabled) {
      u->disabled = *up.disabled;
      changes.push_back(*up.disabled ? "disabled" : "enabled");
      if (*up.disabled) {
        if (auto r = tx.RevokeTokensOfUser(u->id); !r.ok()) return r.status();
      }
    }
    if (auto st = tx.UpdateUser(*u); !st.ok()) return st;
    out = *u;
    std::string detail = absl::StrJoin(changes, " ");
    if (!up.reason.empty()) absl::StrAppend(&detail, "; reason: ", up.reason);
    return audit::Append(tx,
                         {actor.login, "user.update",
                          absl::StrCat("user/", u->login), detail},
                         clock_.Now())
        .status();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<store::UserRecord> Accounts::SetPassword(
    const Actor& actor, const std::string& login, const std::string& current,
    const std::string& new_password) {
  const bool self = login.empty() || login == actor.login;
  const std::string target = self ? actor.login : login;
  if (!self && !actor.IsStaff()) {
    return absl::PermissionDeniedError(
        "only staff set other people's passwords");
  }
  if (auto s = CheckPassword(new_password); !s.ok()) return s;
  const std::string subject = absl::StrCat("login:", target);
  const absl::Time now = clock_.Now();
  std::string hash;
  {
    auto turn = hash_gate_.Enter();
    if (!turn.ok()) return turn.status();
    if (self) {
      // Staff too: a stolen session alone must not take the account over.
      // A wrong current password counts as a failed login.
      std::optional<store::UserRecord> user;
      auto s = store_.Write([&](store::Transaction& tx) -> absl::Status {
        auto c = CountAttempt(tx, subject, now, policy_);
        if (!c.ok()) return c.status();
        auto u = RequireUser(tx, target);
        if (!u.ok()) return u.status();
        user = *u;
        return absl::OkStatus();
      });
      if (!s.ok()) return s;
      if (current.size() > 256 || !VerifySecret(current, user->password_hash)) {
        return absl::PermissionDeniedError("the current password is wrong");
      }
    }
    hash = HashSecret(new_password);
  }
  store::UserRecord out;
  auto s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    auto u = RequireUser(tx, target);
    if (!u.ok()) return u.status();
    u->password_hash = hash;
    if (auto st = tx.UpdateUser(*u); !st.ok()) return st;
    if (auto st = tx.DeleteLoginFailures(subject); !st.ok()) return st;
    // Whoever else holds a session of this account loses it; the one that
    // changed its own password keeps it.
    auto ended = tx.RevokeTokensOfUser(u->id, self ? actor.token_hash : "");
    if (!ended.ok()) return ended.status();
    out = *u;
    return audit::Append(
               tx,
               {actor.login, "user.password", absl::StrCat("user/", target),
                absl::StrCat(
                    "password changed; ", *ended,
                    self ? " other sessions ended" : " sessions ended")},
               now)
        .status();
  });
  if (!s.ok()) return s;
  return out;
}

absl::Status Accounts::SetCard(const Actor& actor, const std::string& login,
                               const std::string& card_uid,
                               const std::string& pin) {
  if (!actor.IsStaff()) {
    return absl::PermissionDeniedError("only staff assign cards");
  }
  if (!card_uid.empty()) {
    if (auto s = CheckCardUid(card_uid); !s.ok()) return s;
    if (auto s = CheckPin(pin); !s.ok()) return s;
  }
  std::string pin_hash;
  if (!card_uid.empty()) {
    auto hash = Hash(pin);
    if (!hash.ok()) return hash.status();
    pin_hash = *hash;
  }
  return store_.Write([&](store::Transaction& tx) -> absl::Status {
    auto u = RequireUser(tx, login);
    if (!u.ok()) return u.status();
    if (card_uid.empty()) {
      u->card_uid.reset();
    } else {
      u->card_uid = card_uid;
    }
    u->pin_hash = pin_hash;
    if (auto s = tx.UpdateUser(*u); !s.ok()) return s;
    return audit::Append(
               tx,
               {actor.login, "user.card", absl::StrCat("user/", login),
                card_uid.empty() ? "card removed" : "card assigned"},
               clock_.Now())
        .status();
  });
}

absl::StatusOr<int> Accounts::RevokeSessions(const Actor& actor,
                                             const std::string& login) {
  if (!actor.IsStaff()) {
    return absl::PermissionDeniedError("only staff revoke sessions");
  }
  int revoked = 0;
  auto s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    auto u = RequireUser(tx, login);
    if (!u.ok()) return u.status();
    auto n = tx.RevokeTokensOfUser(u->id);
    if (!n.ok()) return n.status();
    revoked = *n;
    return audit::Append(tx,
                         {actor.login, "user.revoke_sessions",
                          absl::StrCat("user/", login),
                          absl::StrCat(revoked, " sessions revoked")},
                         clock_.Now())
        .status();
  });
  if (!s.ok()) return s;
  return revoked;
}

absl::StatusOr<std::optional<std::string>> Accounts::BootstrapFirstStaff() {
  const std::string password = GeneratePassword();
  store::UserRecord u;
  u.login = "admin";
  u.display_name = "Lab administrator";
  u.roles = store::kStaff;
  u.group = store::UserGroup::kAdministration;
  u.password_hash = HashSecret(password);
  u.created_at = clock_.Now();
  bool created = false;
  auto s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    auto n = tx.CountUsers();
    if (!n.ok()) return n.status();
    if (*n > 0) return absl::OkStatus();
    auto id = tx.InsertUser(u);
    if (!id.ok()) return id.status();
    created = true;
    return audit::Append(tx,
                         {"system", "user.create", "user/admin",
                          "first staff account on an empty database"},
                         u.created_at)
        .status();
  });
  if (!s.ok()) return s;
  if (!created) return std::optional<std::string>();
  return std::optional<std::string>(password);
}

}  // namespace werkbank::access
