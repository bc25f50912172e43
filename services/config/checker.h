// SPDX-License-Identifier: EUPL-1.2
// The config checker's cursor: walks the parsed config alongside the
// parser's location tree, so that each error can name the file, line, column
// and field where the offending value was written. Used only while a config
// is checked; not thread-safe.
#ifndef WERKBANK_SERVICES_CONFIG_CHECKER_H_
#define WERKBANK_SERVICES_CONFIG_CHECKER_H_

#include <google/protobuf/text_format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace werkbank::config {

class Checker {
 public:
  Checker(absl::string_view source,
          const google::protobuf::TextFormat::ParseInfoTree* tree)
      : source_(source), tree_(tree) {}

  // Scope for a nested message field, e.g. machines[1].
  class Scope {
   public:
    Scope(Checker& c, const google::protobuf::Message& parent,
          absl::string_view field, int index)
        : c_(c), saved_tree_(c.tree_), saved_path_(c.path_) {
      const google::protobuf::FieldDescriptor* f =
          parent.GetDescriptor()->FindFieldByName(std::string(field));
      saved_line_ = c.line_;
      c.line_ = c.Locate(parent, field, index);
      if (c.tree_ != nullptr && f != nullptr) {
        c.tree_ = c.tree_->GetTreeForNested(f, f->is_repeated() ? index : -1);
      }
      c.path_ = c.Join(field, index);
    }
    ~Scope() {
      c_.tree_ = saved_tree_;
      c_.path_ = saved_path_;
      c_.line_ = saved_line_;
    }

   private:
    Checker& c_;
    const google::protobuf::TextFormat::ParseInfoTree* saved_tree_;
    std::string saved_path_;
    std::string saved_line_;
  };

  void Error(const google::protobuf::Message& msg, absl::string_view field,
             std::string problem, int index = -1) {
    std::string where = Locate(msg, field, index);
    if (where.empty()) where = line_;
    if (where.empty()) where = absl::StrCat(source_, ":");
    errors.push_back(
        absl::StrCat(where, " ", Join(field, index), ": ", problem));
  }

  std::vector<std::string> errors;

 private:
  std::string Join(absl::string_view field, int index) const {
    std::string p =
        path_.empty() ? std::string(field) : absl::StrCat(path_, ".", field);
    if (index >= 0) absl::StrAppend(&p, "[", index, "]");
    return p;
  }

  // "source:line:col:" for the field, or "" when it was not written.
  std::string Locate(const google::protobuf::Message& msg,
                     absl::string_view field, int index) const {
    if (tree_ == nullptr) return "";
    const google::protobuf::FieldDescriptor* f =
        msg.GetDescriptor()->FindFieldByName(std::string(field));
    if (f == nullptr) return "";
    auto loc =
        tree_->GetLocation(f, f->is_repeated() ? std::max(index, 0) : -1);
    if (loc.line < 0) return "";
    return absl::StrCat(source_, ":", loc.line + 1, ":", loc.column + 1, ":");
  }

  std::string source_;
  const google::protobuf::TextFormat::ParseInfoTree* tree_;
  std::string path_;
  std::string line_;  // location of the enclosing message, as a fallback
};

}  // namespace werkbank::config

#endif  // WERKBANK_SERVICES_CONFIG_CHECKER_H_
