// SPDX-License-Identifier: EUPL-1.2
// Valid UTF-8 in every string field of an encoded protobuf message, repaired
// without decoding it: C++ protobuf refuses to decode a proto3 message whose
// string is not UTF-8, so a message that holds one cannot be fixed through
// its class. The walk follows the message's descriptor; other fields, bytes
// fields and fields it does not know are kept byte for byte.
//
// Thread-safe (no state).
#ifndef WERKBANK_SERVICES_COMMON_UTF8_WIRE_H_
#define WERKBANK_SERVICES_COMMON_UTF8_WIRE_H_

#include <google/protobuf/descriptor.h>

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace werkbank::utf8 {

// The encoding of `encoded` (a `type` message) with every invalid string
// escaped as utf8::EscapeInvalid does, or nullopt when nothing needs it (or
// the bytes are not a well-formed encoding, which is left alone).
std::optional<std::string> RepairEncoded(
    const google::protobuf::Descriptor& type, absl::string_view encoded);

}  // namespace werkbank::utf8

#endif  // WERKBANK_SERVICES_COMMON_UTF8_WIRE_H_
