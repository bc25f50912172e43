// SPDX-License-Identifier: EUPL-1.2
// Requests whose body is not a valid message get INVALID_ARGUMENT with a
// message a client's author can act on.
//
// gRPC decodes a request before any werkbank code sees it; when that fails
// (bytes that are not protobuf, a text field that is not UTF-8) it answers
// INTERNAL with an empty message on its own, which says "the server is
// broken" when the caller is. werkbank's own errors always carry a message,
// so an INTERNAL without one is exactly gRPC's decoding failure: this
// interceptor rewrites it as it leaves.
//
// Thread-safety: one interceptor per call, as gRPC creates them.
#ifndef WERKBANK_SERVICES_API_MALFORMED_REQUEST_H_
#define WERKBANK_SERVICES_API_MALFORMED_REQUEST_H_

#include <grpcpp/support/server_interceptor.h>

namespace werkbank::api {

class MalformedRequestInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace werkbank::api

#endif  // WERKBANK_SERVICES_API_MALFORMED_REQUEST_H_
