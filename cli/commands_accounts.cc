// SPDX-License-Identifier: EUPL-1.2
// `werkbank login | logout | whoami | passwd | user ...`
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli.h"
#include "werkbank/v1/accounts.grpc.pb.h"

namespace werkbank::cli {
namespace {

std::optional<v1::Role> ParseRole(const std::string& s) {
  if (s == "participant") return v1::ROLE_PARTICIPANT;
  if (s == "trainer") return v1::ROLE_TRAINER;
  if (s == "staff") return v1::ROLE_STAFF;
  return std::nullopt;
}

std::optional<v1::UserGroup> ParseGroup(const std::string& s) {
  if (s == "citizen") return v1::USER_GROUP_CITIZEN;
  if (s == "school") return v1::USER_GROUP_SCHOOL;
  if (s == "club") return v1::USER_GROUP_CLUB;
  if (s == "business") return v1::USER_GROUP_BUSINESS;
  if (s == "administration") return v1::USER_GROUP_ADMINISTRATION;
  return std::nullopt;
}

std::string GroupName(v1::UserGroup g) {
  switch (g) {
    case v1::USER_GROUP_CITIZEN:
      return "citizen";
    case v1::USER_GROUP_SCHOOL:
      return "school";
    case v1::USER_GROUP_CLUB:
      return "club";
    case v1::USER_GROUP_BUSINESS:
      return "business";
    case v1::USER_GROUP_ADMINISTRATION:
      return "administration";
    default:
      return "-";
  }
}

std::string RoleNames(const v1::User& u) {
  std::vector<std::string> names;
  for (int r : u.roles()) {
    names.push_back(r == v1::ROLE_PARTICIPANT ? "participant"
                    : r == v1::ROLE_TRAINER   ? "trainer"
                                              : "staff");
  }
  return absl::StrJoin(names, ",");
}

int PrintUser(const v1::User& u) {
  std::cout << u.login() << " (" << u.display_name() << "): " << RoleNames(u)
            << ", group " << GroupName(u.group())
            << (u.has_card() ? ", has a card" : "")
            << (u.disabled() ? ", DISABLED" : "") << "\n";
  return kOk;
}

// Reads --role (repeatable) and --group into a request; false on a bad value.
template <typename Request>
bool ReadRolesAndGroup(Cli& cli, Request& req, int& code) {
  for (const std::string& r : cli.args.Options("role")) {
    auto role = ParseRole(r);
    if (!role) {
      code = cli.Usage("--role is participant, trainer or staff, not \"" + r +
                       "\"");
      return false;
    }
    req.add_roles(*role);
  }
  if (auto g = cli.args.Option("group")) {
    auto group = ParseGroup(*g);
    if (!group) {
      code = cli.Usage(
          "--group is citizen, school, club, business or administration");
      return false;
    }
    req.set_group(*group);
  }
  return true;
}

int UserAdd(Cli& cli, v1::Accounts::Stub& stub) {
  v1::CreateUserRequest req;
  auto login = cli.args.Next();
  if (!login) {
    return cli.Usage(
        "usage: werkbank user add LOGIN [--name NAME] [--role ROLE]... "
        "[--group GROUP] [--password-stdin]");
  }
  req.set_login(*login);
  req.set_display_name(cli.args.Option("name").value_or(""));
  int code = kOk;
  if (!ReadRolesAndGroup(cli, req, code)) return code;
  const bool from_stdin = cli.args.Flag("password-stdin");
  if (!cli.Done(code)) return code;
  if (from_stdin) req.set_password(Cli::ReadSecret("", true));
  return cli.Call(
      &v1::Accounts::Stub::CreateUser, stub, req,
      [](const v1::CreateUserResponse& resp) {
        std::cout << "created ";
        PrintUser(resp.user());
        if (!resp.generated_password().empty()) {
          std::cout << "one-time password for " << resp.user().login() << ": "
                    << resp.generated_password()
                    << "\n(hand it over in person; it is not shown again)\n";
        }
        return kOk;
      });
}

int UserUpdate(Cli& cli, v1::Accounts::Stub& stub, const std::string& verb) {
  v1::UpdateUserRequest req;
  auto login = cli.args.Next();
  if (!login) return cli.Usage("usage: werkbank user " + verb + " LOGIN ...");
  req.set_login(*login);
  int code = kOk;
  if (verb == "disable" || verb == "enable") {
    req.set_disabled(verb == "disable");
  } else {
    if (auto n = cli.args.Option("name")) req.set_display_name(*n);
    if (!ReadRolesAndGroup(cli, req, code)) return code;
    req.set_set_roles(req.roles_size() > 0);
  }
  req.set_reason(cli.args.Option("reason").value_or(""));
  if (!cli.Done(code)) return code;
  return cli.Call(&v1::Accounts::Stub::UpdateUser, stub, req, PrintUser);
}

// `user show|revoke-sessions LOGIN`: one login, one call.
template <typename Request, typename Response, typename Human>
int OneLogin(Cli& cli, const std::string& verb,
             grpc::Status (v1::Accounts::Stub::*rpc)(grpc::ClientContext*,
                                                     const Request&, Response*),
             v1::Accounts::Stub& stub, Human human) {
  Request req;
  auto login = cli.args.Next();
  if (!login) return cli.Usage("usage: werkbank user " + verb + " LOGIN");
  req.set_login(*login);
  int code = kOk;
  if (!cli.Done(code)) return code;
  return cli.Call(rpc, stub, req, human);
}

}  // namespace

int CmdLogin(Cli& cli) {
  v1::LoginRequest req;
  const bool from_stdin =
      cli.args.Flag("password-stdin") || cli.args.Flag("pin-stdin");
  if (auto card = cli.args.Option("card")) {
    req.mutable_card()->set_card_uid(*card);
  } else {
    auto login = cli.args.Next();
    if (!login)
      return cli.Usage(
          "usage: werkbank login LOGIN [--password-stdin] | werkbank login "
          "--card UID [--pin-stdin]");
    req.mutable_password()->set_login(*login);
  }
  int code = kOk;
  if (!cli.Done(code)) return code;
  if (req.has_card()) {
    req.mutable_card()->set_pin(Cli::ReadSecret("PIN: ", from_stdin));
  } else {
    req.mutable_password()->set_password(
        Cli::ReadSecret("Password: ", from_stdin));
  }
  auto stub = v1::Accounts::NewStub(cli.conn.channel());
  v1::LoginResponse resp;
  auto ctx = cli.conn.Context();
  grpc::Status s = stub->Login(ctx.get(), req, &resp);
  if (!s.ok()) return cli.Fail(s);
  cli.conn.SaveSession(resp.token());
  if (cli.json) {
    v1::User u = resp.user();
    cli.PrintJson(u);
  } else {
    std::cout << "logged in to " << cli.conn.server() << " as "
              << resp.user().login() << " (" << RoleNames(resp.user()) << ")\n";
  }
  return kOk;
}

int CmdLogout(Cli& cli) {
  int code = kOk;
  if (!cli.Done(code)) return code;
  auto stub = v1::Accounts::NewStub(cli.conn.channel());
  v1::LogoutResponse resp;
  auto ctx = cli.conn.Context();
  grpc::Status s = stub->Logout(ctx.get(), v1::LogoutRequest(), &resp);
  cli.conn.ForgetSession();
  if (!s.ok() && s.error_code() != grpc::StatusCode::UNAUTHENTICATED) {
    return cli.Fail(s);
  }
  if (!cli.json) std::cout << "logged out\n";
  return kOk;
}

int CmdWhoAmI(Cli& cli) {
  int code = kOk;
  if (!cli.Done(code)) return code;
  auto stub = v1::Accounts::NewStub(cli.conn.channel());
  return cli.Call(&v1::Accounts::Stub::WhoAmI, *stub, v1::WhoAmIRequest(),
                  PrintUser);
}

int CmdPasswd(Cli& cli) {
  v1::SetPasswordRequest req;
  if (auto login = cli.args.Next()) req.set_login(*login);
  const bool from_stdin = cli.args.Flag("stdin");
  int code = kOk;
  if (!cli.Done(code)) return code;
  auto stub = v1::Accounts::NewStub(cli.conn.channel());
  // One's own password needs the current one, also when one's own login is
  // named (as staff do out of habit); the server would refuse without it.
  bool own = req.login().empty();
  if (!own) {
    v1::User me;
    auto who = cli.conn.Context();
    grpc::Status s = stub->WhoAmI(who.get(), v1::WhoAmIRequest(), &me);
    if (!s.ok()) return cli.Fail(s);
    own = me.login() == req.login();
  }
  if (own) {
    req.set_current_password(Cli::ReadSecret("Current password: ", from_stdin));
  }
  req.set_new_password(Cli::ReadSecret("New password: ", from_stdin));
  v1::SetPasswordResponse resp;
  auto ctx = cli.conn.Context();
  grpc::Status s = stub->SetPassword(ctx.get(), req, &resp);
  if (!s.ok()) return cli.Fail(s);
  if (!cli.json) std::cout << "password changed\n";
  return kOk;
}

int CmdUser(Cli& cli) {
  auto verb = cli.args.Next();
  auto stub = v1::Accounts::NewStub(cli.conn.channel());
  if (!verb)
    return cli.Usage(
        "usage: werkbank user "
        "add|list|show|update|disable|enable|card|revoke-sessions|export|"
        "anonymise ...");
  if (*verb == "add") return UserAdd(cli, *stub);
  if (*verb == "export") return UserExport(cli);
  if (*verb == "anonymise") return UserAnonymise(cli);
  if (*verb == "update" || *verb == "disable" || *verb == "enable") {
    return UserUpdate(cli, *stub, *verb);
  }
  int code = kOk;
  if (*verb == "list") {
    v1::ListUsersRequest req;
    req.set_include_disabled(cli.args.Flag("all"));
    if (!cli.Done(code)) return code;
    return cli.Call(
        &v1::Accounts::Stub::ListUsers, *stub, req,
        [](const v1::ListUsersResponse& resp) {
          Table t({"LOGIN", "NAME", "ROLES", "GROUP", "CARD", "STATUS"});
          for (const auto& u : resp.users()) {
            t.Add({u.login(), u.display_name(), RoleNames(u),
                   GroupName(u.group()), u.has_card() ? "yes" : "-",
                   u.disabled() ? "disabled" : "active"});
          }
          t.Print();
          return kOk;
        });
  }
  if (*verb == "show") {
    return OneLogin<v1::GetUserRequest>(
        cli, *verb, &v1::Accounts::Stub::GetUser, *stub, PrintUser);
  }
  if (*verb == "revoke-sessions") {
    return OneLogin<v1::RevokeSessionsRequest>(
        cli, *verb, &v1::Accounts::Stub::RevokeSessions, *stub,
        [](const v1::RevokeSessionsResponse& resp) {
          std::cout << resp.revoked() << " sessions revoked\n";
          return kOk;
        });
  }
  if (*verb == "card") {
    v1::SetCardRequest req;
    auto login = cli.args.Next();
    if (!login) {
      return cli.Usage(
          "usage: werkbank user card LOGIN --uid UID [--pin-stdin] | --remove");
    }
    req.set_login(*login);
    const bool remove = cli.args.Flag("remove");
    auto uid = cli.args.Option("uid");
    const bool from_stdin = cli.args.Flag("pin-stdin");
    if (!cli.Done(code)) return code;
    if (!remove) {
      if (!uid) return cli.Usage("give --uid UID, or --remove");
      req.set_card_uid(*uid);
      req.set_pin(Cli::ReadSecret("PIN for the card: ", from_stdin));
    }
    return cli.Call(&v1::Accounts::Stub::SetCard, *stub, req,
                    [remove](const v1::SetCardResponse&) {
                      std::cout
                          << (remove ? "card removed\n" : "card assigned\n");
                      return kOk;
                    });
  }
  return cli.Usage("unknown user command \"" + *verb + "\"");
}

}  // namespace werkbank::cli
