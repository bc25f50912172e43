// SPDX-License-Identifier: EUPL-1.2
// Descriptor-driven repair of encoded messages; see utf8_wire.h.
#include "utf8_wire.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/wire_format_lite.h>

#include "utf8.h"

namespace werkbank::utf8 {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::internal::WireFormatLite;

constexpr int kMaxDepth = 64;

enum class Walk { kUnchanged, kRepaired, kMalformed };

void AppendVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void Append(std::string* out, absl::string_view piece) {
  out->append(piece.data(), piece.size());
}

// Walks `in`; with `out` null it only looks (kRepaired: something to fix),
// otherwise it appends the repaired encoding to `out`.
Walk RepairInto(const Descriptor& type, absl::string_view in, std::string* out,
                int depth) {
  google::protobuf::io::CodedInputStream input(
      reinterpret_cast<const uint8_t*>(in.data()), static_cast<int>(in.size()));
  bool repaired = false;
  while (true) {
    const int start = input.CurrentPosition();
    const uint32_t tag = input.ReadTag();
    if (tag == 0) break;
    const FieldDescriptor* field =
        type.FindFieldByNumber(WireFormatLite::GetTagFieldNumber(tag));
    const bool walk_into =
        field != nullptr &&
        WireFormatLite::GetTagWireType(tag) ==
            WireFormatLite::WIRETYPE_LENGTH_DELIMITED &&
        (field->type() == FieldDescriptor::TYPE_STRING ||
         (field->type() == FieldDescriptor::TYPE_MESSAGE && depth < kMaxDepth));
    if (!walk_into) {
      if (!WireFormatLite::SkipField(&input, tag)) return Walk::kMalformed;
      if (out) Append(out, in.substr(start, input.CurrentPosition() - start));
      continue;
    }
    uint32_t length = 0;
    if (!input.ReadVarint32(&length)) return Walk::kMalformed;
    const int body = input.CurrentPosition();
    if (!input.Skip(static_cast<int>(length))) return Walk::kMalformed;
    const absl::string_view value = in.substr(body, length);
    std::string fixed;
    Walk inner;
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      inner = IsValid(value) ? Walk::kUnchanged : Walk::kRepaired;
      if (inner == Walk::kRepaired && out) fixed = EscapeInvalid(value);
    } else {
      inner = RepairInto(*field->message_type(), value, out ? &fixed : nullptr,
                         depth + 1);
      if (inner == Walk::kMalformed) return inner;
    }
    if (inner == Walk::kRepaired) {
      repaired = true;
      if (!out) return Walk::kRepaired;
      AppendVarint(out, tag);
      AppendVarint(out, fixed.size());
      out->append(fixed);
    } else if (out) {
      Append(out, in.substr(start, input.CurrentPosition() - start));
    }
  }
  if (!input.ConsumedEntireMessage()) return Walk::kMalformed;
  return repaired ? Walk::kRepaired : Walk::kUnchanged;
}

}  // namespace

std::optional<std::string> RepairEncoded(const Descriptor& type,
                                         absl::string_view encoded) {
  if (RepairInto(type, encoded, nullptr, 0) != Walk::kRepaired) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(encoded.size() + 16);
  if (RepairInto(type, encoded, &out, 0) != Walk::kRepaired) {
    return std::nullopt;
  }
  return out;
}

}  // namespace werkbank::utf8
