// SPDX-License-Identifier: EUPL-1.2
// Number field defaults and ranges; see numbers.h.
#include "numbers.h"

#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"

namespace werkbank::config {
namespace {

using google::protobuf::FieldDescriptor;

// Whole numbers print without a fraction; others as written.
std::string Show(double v) {
  if (std::abs(v) < 1e15 && v == std::floor(v)) {
    return absl::StrCat(static_cast<int64_t>(v));
  }
  return absl::StrCat(v);
}

}  // namespace

void ApplyNumberRules(Checker& c, google::protobuf::Message& message,
                      std::initializer_list<NumberRule> rules) {
  const google::protobuf::Reflection* r = message.GetReflection();
  for (const NumberRule& rule : rules) {
    const FieldDescriptor* f =
        message.GetDescriptor()->FindFieldByName(rule.field);
    if (f == nullptr || !f->has_presence()) continue;  // a typo in a table
    if (!r->HasField(message, f)) {
      if (!rule.fallback) continue;
      switch (f->cpp_type()) {
        case FieldDescriptor::CPPTYPE_INT32:
          r->SetInt32(&message, f, static_cast<int32_t>(*rule.fallback));
          break;
        case FieldDescriptor::CPPTYPE_INT64:
          r->SetInt64(&message, f, static_cast<int64_t>(*rule.fallback));
          break;
        case FieldDescriptor::CPPTYPE_DOUBLE:
          r->SetDouble(&message, f, *rule.fallback);
          break;
        default:
          break;
      }
      continue;  // defaults are in range
    }
    double value = 0;
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        value = r->GetInt32(message, f);
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        value = static_cast<double>(r->GetInt64(message, f));
        break;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        value = r->GetDouble(message, f);
        break;
      default:
        continue;
    }
    if (value >= rule.min && value <= rule.max) continue;
    std::string problem =
        absl::StrCat("must be between ", Show(rule.min), " and ",
                     Show(rule.max), ", not ", Show(value));
    if (value == 0 && rule.fallback) {
      absl::StrAppend(&problem, " (leave it out for the default, ",
                      Show(*rule.fallback), ")");
    }
    c.Error(message, rule.field, problem);
  }
}

}  // namespace werkbank::config
