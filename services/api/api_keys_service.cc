// SPDX-License-Identifier: EUPL-1.2
// ApiKeys RPCs -> access::ApiKeys.
#include "convert.h"
#include "rpc_policy.h"
#include "services.h"
#include "status.h"

namespace werkbank::api {
namespace {

v1::ApiKey ToProto(const access::ApiKeyView& view) {
  const store::ApiKeyRecord& k = view.record;
  v1::ApiKey out;
  out.set_id(k.id);
  out.set_owner_login(view.owner_login);
  out.set_label(k.label);
  out.set_prefix(k.prefix);
  *out.mutable_created_at() = api::ToProto(k.created_at);
  if (k.last_used_at)
    *out.mutable_last_used_at() = api::ToProto(*k.last_used_at);
  if (k.revoked_at) *out.mutable_revoked_at() = api::ToProto(*k.revoked_at);
  return out;
}

}  // namespace

grpc::Status ApiKeysService::CreateApiKey(grpc::ServerContext* ctx,
                                          const v1::CreateApiKeyRequest* req,
                                          v1::CreateApiKeyResponse* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "ApiKeys/CreateApiKey");
  auto created = domain_.api_keys.Create(actor, req->label());
  if (!created.ok()) return ToGrpcStatus(created.status());
  *resp->mutable_key() = ToProto(created->key);
  resp->set_secret(created->secret);
  return grpc::Status::OK;
}

grpc::Status ApiKeysService::ListApiKeys(grpc::ServerContext* ctx,
                                         const v1::ListApiKeysRequest* req,
                                         v1::ListApiKeysResponse* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "ApiKeys/ListApiKeys");
  auto keys = domain_.api_keys.List(actor, req->login());
  if (!keys.ok()) return ToGrpcStatus(keys.status());
  for (const auto& k : *keys) *resp->add_keys() = ToProto(k);
  return grpc::Status::OK;
}

grpc::Status ApiKeysService::RevokeApiKey(grpc::ServerContext* ctx,
                                          const v1::RevokeApiKeyRequest* req,
                                          v1::ApiKey* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "ApiKeys/RevokeApiKey");
  auto key = domain_.api_keys.Revoke(actor, req->id());
  if (!key.ok()) return ToGrpcStatus(key.status());
  *resp = ToProto(*key);
  return grpc::Status::OK;
}

}  // namespace werkbank::api
