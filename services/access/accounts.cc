// Accounts; see accounts.h. Secrets never appear in errors, logs or audit
// details.
#include "accounts.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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

std::string Seconds(absl::Duration d) {
  return absl::StrCat(static_cast<int64_t>(std::ceil(absl::ToDoubleSeconds(d))),
                      " s");
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
                   const v1::AccountPolicy& policy)
    : store_(store), clock_(clock), policy_(policy) {}

absl::StatusOr<LoginResult> Accounts::LoginWithPassword(
    const std::string& login, const std::string& password) {
  if (login.empty() || login.size() > 64 || password.size() > 256) {
    return absl::UnauthenticatedError(kWrongCredentials);
  }
  std::optional<store::UserRecord> user;
  auto s = store_.Read([&](store::Transaction& tx) -> absl::Status {
    auto found = tx.FindUserByLogin(login);
    if (!found.ok()) return found.status();
    user = *found;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return FinishLogin(user, password, /*use_pin=*/false, login);
}

absl::StatusOr<LoginResult> Accounts::LoginWithCard(const std::string& card_uid,
                                                    const std::string& pin) {
  if (!CheckCardUid(card_uid).ok() || pin.size() > 64) {
    return absl::UnauthenticatedError(kWrongCard);
  }
  std::optional<store::UserRecord> user;
  auto s = store_.Read([&](store::Transaction& tx) -> absl::Status {
    auto found = tx.FindUserByCard(card_uid);
    if (!found.ok()) return found.status();
    user = *found;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return FinishLogin(user, pin, /*use_pin=*/true, "card");
}

absl::StatusOr<LoginResult> Accounts::FinishLogin(
    const absl::StatusOr<std::optional<store::UserRecord>>& found,
    const std::string& secret, bool use_pin, const std::string& who) {
  const char* wrong = use_pin ? kWrongCard : kWrongCredentials;
  const std::optional<store::UserRecord>& user = *found;
  if (!user || user->disabled ||
      (use_pin ? user->pin_hash.empty() : user->password_hash.empty())) {
    VerifySecret(secret, DummyHash());
    return absl::UnauthenticatedError(wrong);
  }
  const absl::Time now = clock_.Now();
  if (now < user->locked_until) {
    return absl::ResourceExhaustedError(
        absl::StrCat("too many failed logins for this account; try again in ",
                     Seconds(user->locked_until - now)));
  }
  // scrypt runs outside any transaction: it is slow on purpose.
  if (!VerifySecret(secret, use_pin ? user->pin_hash : user->password_hash)) {
    if (auto s = RecordFailure(user->id, user->login,
                               use_pin ? "wrong PIN" : "wrong password");
        !s.ok()) {
      return s;
    }
    return absl::UnauthenticatedError(wrong);
  }
  LoginResult result;
  result.token = crypto::Base64UrlEncode(crypto::RandomBytes(32));
  result.expires_at = now + absl::Seconds(policy_.token_ttl_seconds());
  auto s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    auto fresh = tx.FindUserById(user->id);
    if (!fresh.ok()) return fresh.status();
    if (!*fresh) return absl::UnauthenticatedError(wrong);
    store::UserRecord u = **fresh;
    u.failed_logins = 0;
    u.locked_until = absl::InfinitePast();
    if (auto st = tx.UpdateUser(u); !st.ok()) return st;
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
  (void)who;
  return result;
}

// Counts a failure; from `failed_logins_before_delay` on each further failure
// doubles a waiting time, and at `failed_logins_before_lockout` the account is
// locked for `lockout_minutes`.
absl::Status Accounts::RecordFailure(int64_t user_id, const std::string& who,
                                     const std::string& why) {
  const absl::Time now = clock_.Now();
  return store_.Write([&](store::Transaction& tx) -> absl::Status {
    auto fresh = tx.FindUserById(user_id);
    if (!fresh.ok()) return fresh.status();
    if (!*fresh) return absl::OkStatus();
    store::UserRecord u = **fresh;
    u.failed_logins += 1;
    std::string consequence;
    if (u.failed_logins >= policy_.failed_logins_before_lockout()) {
      u.locked_until = now + absl::Minutes(policy_.lockout_minutes());
      consequence =
          absl::StrCat("; locked for ", policy_.lockout_minutes(), " min");
    } else if (u.failed_logins >= policy_.failed_logins_before_delay()) {
      const int step = u.failed_logins - policy_.failed_logins_before_delay();
      u.locked_until = now + absl::Seconds(1 << std::min(step, 8));
      consequence =
          absl::StrCat("; next try allowed in ", Seconds(u.locked_until - now));
    }
    if (auto s = tx.UpdateUser(u); !s.ok()) return s;
    return audit::Append(tx,
                         {who, "login.failed", absl::StrCat("user/", who),
                          absl::StrCat(why, " (", u.failed_logins, " in a row)",
                                       consequence)},
                         now)
        .status();
  });
}

absl::StatusOr<Actor> Accounts::Authenticate(const std::string& token) const {
  static constexpr char kInvalid[] =
      "your session is not valid (expired, logged out or revoked); log in "
      "again";
  if (token.empty() || token.size() > 128) {
    return absl::UnauthenticatedError(kInvalid);
  }
  const std::string hash = crypto::Sha256Hex(token);
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
  store::UserRecord u;
  u.login = nu.login;
  u.display_name = nu.display_name;
  u.roles = nu.roles;
  u.group = nu.group;
  u.password_hash = HashSecret(nu.password);
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

absl::Status Accounts::SetPassword(const Actor& actor, const std::string& login,
                                   const std::string& current,
                                   const std::string& new_password) {
  const bool self = login.empty() || login == actor.login;
  const std::string target = self ? actor.login : login;
  if (!self && !actor.IsStaff()) {
    return absl::PermissionDeniedError(
        "only staff set other people's passwords");
  }
  if (auto s = CheckPassword(new_password); !s.ok()) return s;
  if (self && !actor.IsStaff()) {
    auto user = GetUser(actor, target);
    if (!user.ok()) return user.status();
    if (!VerifySecret(current, user->password_hash)) {
      return absl::PermissionDeniedError("the current password is wrong");
    }
  }
  const std::string hash = HashSecret(new_password);
  return store_.Write([&](store::Transaction& tx) -> absl::Status {
    auto u = RequireUser(tx, target);
    if (!u.ok()) return u.status();
    u->password_hash = hash;
    u->failed_logins = 0;
    u->locked_until = absl::InfinitePast();
    if (auto s = tx.UpdateUser(*u); !s.ok()) return s;
    return audit::Append(tx,
                         {actor.login, "user.password",
                          absl::StrCat("user/", target), "password changed"},
                         clock_.Now())
        .status();
  });
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
  const std::string pin_hash = card_uid.empty() ? "" : HashSecret(pin);
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
