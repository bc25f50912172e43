// SPDX-License-Identifier: EUPL-1.2
// The daemon's TLS key and self-signed certificate, created with OpenSSL on
// first start in the state directory (tls/key.pem, tls/cert.pem, both 0600)
// and reused afterwards. Clients pin the certificate by its SHA-256
// fingerprint, like ssh host keys.
#ifndef WERKBANK_SERVICES_DAEMON_TLS_IDENTITY_H_
#define WERKBANK_SERVICES_DAEMON_TLS_IDENTITY_H_

#include <string>

#include "absl/status/statusor.h"

namespace werkbank::daemon {

struct TlsIdentity {
  std::string cert_pem;
  std::string key_pem;
  std::string fingerprint;  // "SHA256:AB:CD:..."
  bool created = false;     // true when made on this start
};

// Loads the identity from `dir`, or creates it there when absent.
absl::StatusOr<TlsIdentity> LoadOrCreateTlsIdentity(const std::string& dir);

}  // namespace werkbank::daemon

#endif  // WERKBANK_SERVICES_DAEMON_TLS_IDENTITY_H_
