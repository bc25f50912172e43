// SPDX-License-Identifier: EUPL-1.2
// Every message werkbankd sends has valid UTF-8 in its string fields.
//
// Most text is checked when it comes in, but some reaches a message without
// passing a person's check: a G-code line quoted in a preflight message, a
// firmware's error text, an audit detail written long ago. One such byte
// makes a client refuse the whole answer (a job list, a lab snapshot), so
// this interceptor looks at each encoded response of a werkbank method and
// escapes the bytes that are not UTF-8 (utf8_wire.h). A response that is
// valid, as nearly all are, is only read, never copied.
//
// Thread-safety: one interceptor per call, as gRPC creates them.
#ifndef WERKBANK_SERVICES_API_UTF8_RESPONSES_H_
#define WERKBANK_SERVICES_API_UTF8_RESPONSES_H_

#include <grpcpp/support/server_interceptor.h>

namespace werkbank::api {

class Utf8ResponsesInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace werkbank::api

#endif  // WERKBANK_SERVICES_API_UTF8_RESPONSES_H_
