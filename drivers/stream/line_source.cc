// SPDX-License-Identifier: EUPL-1.2
// In-memory and concatenated line sources; see line_source.h.
#include "line_source.h"

#include <utility>

namespace werkbank::stream {
namespace {

class Vector : public LineSource {
 public:
  explicit Vector(std::vector<std::string> lines) : lines_(std::move(lines)) {}
  bool Next(std::string& line) override {
    if (next_ >= lines_.size()) return false;
    line = std::move(lines_[next_++]);
    return true;
  }
  int64_t size() const override { return static_cast<int64_t>(lines_.size()); }

 private:
  std::vector<std::string> lines_;
  size_t next_ = 0;
};

class Concat : public LineSource {
 public:
  Concat(std::unique_ptr<LineSource> first, std::unique_ptr<LineSource> second)
      : first_(std::move(first)), second_(std::move(second)) {}
  bool Next(std::string& line) override {
    if (!first_done_) {
      if (first_->Next(line)) return true;
      first_done_ = true;
      if (!first_->status().ok()) return false;
    }
    return second_->Next(line);
  }
  int64_t size() const override { return first_->size() + second_->size(); }
  absl::Status status() const override {
    if (!first_->status().ok()) return first_->status();
    return second_->status();
  }

 private:
  std::unique_ptr<LineSource> first_, second_;
  bool first_done_ = false;
};

}  // namespace

std::unique_ptr<LineSource> VectorSource(std::vector<std::string> lines) {
  return std::make_unique<Vector>(std::move(lines));
}

std::unique_ptr<LineSource> ConcatSource(std::unique_ptr<LineSource> first,
                                         std::unique_ptr<LineSource> second) {
  return std::make_unique<Concat>(std::move(first), std::move(second));
}

}  // namespace werkbank::stream
