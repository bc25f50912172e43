// SPDX-License-Identifier: EUPL-1.2
// Accounts RPCs -> access::Accounts.
#include "convert.h"
#include "rpc_policy.h"
#include "services.h"
#include "status.h"

namespace werkbank::api {

grpc::Status AccountsService::Login(grpc::ServerContext* ctx,
                                    const v1::LoginRequest* req,
                                    v1::LoginResponse* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Accounts/Login");
  (void)actor;
  absl::StatusOr<access::LoginResult> result;
  if (req->has_password()) {
    result = domain_.accounts.LoginWithPassword(req->password().login(),
                                                req->password().password());
  } else if (req->has_card()) {
    result = domain_.accounts.LoginWithCard(req->card().card_uid(),
                                            req->card().pin());
  } else {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "give a login and password, or a card UID and PIN");
  }
  if (!result.ok()) return ToGrpcStatus(result.status());
  resp->set_token(result->token);
  *resp->mutable_expires_at() = ToProto(result->expires_at);
  *resp->mutable_user() = ToProto(result->user);
  return grpc::Status::OK;
}

grpc::Status AccountsService::Logout(grpc::ServerContext* ctx,
                                     const v1::LogoutRequest*,
                                     v1::LogoutResponse*) {
  WERKBANK_AUTHORIZE(actor, ctx, "Accounts/Logout");
  if (absl::Status s = domain_.accounts.Logout(actor); !s.ok())
    return ToGrpcStatus(s);
  // What this session unlocked is locked again (a running job may finish),
  // and what it streams ends.
  domain_.machines.SessionEnded(actor.token_hash);
  domain_.streams.CheckNow();
  return grpc::Status::OK;
}

grpc::Status AccountsService::WhoAmI(grpc::ServerContext* ctx,
                                     const v1::WhoAmIRequest*, v1::User* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Accounts/WhoAmI");
  auto u = domain_.accounts.GetUser(actor, actor.login);
  if (!u.ok()) return ToGrpcStatus(u.status());
  *resp = ToProto(*u);
  return grpc::Status::OK;
}

grpc::Status AccountsService::CreateUser(grpc::ServerContext* ctx,
                                         const v1::CreateUserRequest* req,
                                         v1::CreateUserResponse* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Accounts/CreateUser");
  access::NewUser nu;
  nu.login = req->login();
  nu.display_name = req->display_name();
  nu.roles =
      req->roles().empty() ? store::kParticipant : RolesFromProto(req->roles());
  nu.group = static_cast<store::UserGroup>(req->group());
  nu.password = req->password();
  auto created = domain_.accounts.CreateUser(actor, std::move(nu));
  if (!created.ok()) return ToGrpcStatus(created.status());
  *resp->mutable_user() = ToProto(created->user);
  resp->set_generated_password(created->generated_password);
  return grpc::Status::OK;
}

grpc::Status AccountsService::GetUser(grpc::ServerContext* ctx,
                                      const v1::GetUserRequest* req,
                                      v1::User* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Accounts/GetUser");
  absl::StatusOr<store::UserRecord> u;
  if (req->has_id()) {
    u = domain_.accounts.GetUserById(actor, req->id());
  } else {
    u = domain_.accounts.GetUser(
        actor, req->login().empty() ? actor.login : req->login());
  }
  if (!u.ok()) return ToGrpcStatus(u.status());
  *resp = ToProto(*u);
  return grpc::Status::OK;
}

grpc::Status AccountsService::ListUsers(grpc::ServerContext* ctx,
                                        const v1::ListUsersRequest* req,
                                        v1::ListUsersResponse* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Accounts/ListUsers");
  auto users = domain_.accounts.ListUsers(actor, req->include_disabled());
  if (!users.ok()) return ToGrpcStatus(users.status());
  for (const auto& u : *users) *resp->add_users() = ToProto(u);
  return grpc::Status::OK;
}

grpc::Status AccountsService::UpdateUser(grpc::ServerContext* ctx,
                                         const v1::UpdateUserRequest* req,
                                         v1::User* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Accounts/UpdateUser");
  access::UserUpdate up;
  up.login = req->login();
  if (req->has_display_name()) up.display_name = req->display_name();
  if (req->set_roles()) up.roles = RolesFromProto(req->roles());
  if (req->has_group()) up.group = static_cast<store::UserGroup>(req->group());
  if (req->has_disabled()) up.disabled = req->disabled();
  up.reason = req->reason();
  auto u = domain_.accounts.UpdateUser(actor, up);
  if (!u.ok()) return ToGrpcStatus(u.status());
  if (u->disabled) domain_.machines.UserSessionsEnded(u->id);
  domain_.streams.CheckNow();  // disabled or roles changed: streams end
  *resp = ToProto(*u);
  return grpc::Status::OK;
}

grpc::Status AccountsService::SetPassword(grpc::ServerContext* ctx,
                                          const v1::SetPasswordRequest* req,
                                          v1::SetPasswordResponse*) {
  WERKBANK_AUTHORIZE(actor, ctx, "Accounts/SetPassword");
  auto u = domain_.accounts.SetPassword(
      actor, req->login(), req->current_password(), req->new_password());
  if (!u.ok()) return ToGrpcStatus(u.status());
  // Someone else's sessions all ended: what they unlocked is locked again.
  if (u->id != actor.user_id) domain_.machines.UserSessionsEnded(u->id);
  domain_.streams.CheckNow();
  return grpc::Status::OK;
}

grpc::Status AccountsService::SetCard(grpc::ServerContext* ctx,
                                      const v1::SetCardRequest* req,
                                      v1::SetCardResponse*) {
  WERKBANK_AUTHORIZE(actor, ctx, "Accounts/SetCard");
  return ToGrpcStatus(domain_.accounts.SetCard(actor, req->login(),
                                               req->card_uid(), req->pin()));
}

grpc::Status AccountsService::RevokeSessions(
    grpc::ServerContext* ctx, const v1::RevokeSessionsRequest* req,
    v1::RevokeSessionsResponse* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Accounts/RevokeSessions");
  auto n = domain_.accounts.RevokeSessions(actor, req->login());
  if (!n.ok()) return ToGrpcStatus(n.status());
  if (auto u = domain_.accounts.GetUser(actor, req->login()); u.ok()) {
    domain_.machines.UserSessionsEnded(u->id);
  }
  domain_.streams.CheckNow();
  resp->set_revoked(*n);
  return grpc::Status::OK;
}

}  // namespace werkbank::api
