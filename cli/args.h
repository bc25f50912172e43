// SPDX-License-Identifier: EUPL-1.2
// A small command-line parser: positional words, `--name value` options
// (repeatable) and `--flag` switches. Unknown options are an error, so a typo
// never silently changes what a command does.
#ifndef WERKBANK_CLI_ARGS_H_
#define WERKBANK_CLI_ARGS_H_

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace werkbank::cli {

class Args {
 public:
  // `flags` are switches without a value; every other --name takes one.
  Args(std::vector<std::string> argv, std::set<std::string> flags);

  // Problems found while parsing, e.g. an option without its value.
  const std::string& error() const { return error_; }

  bool Flag(const std::string& name);
  std::optional<std::string> Option(const std::string& name);
  std::vector<std::string> Options(const std::string& name);
  // The next positional word, or nullopt.
  std::optional<std::string> Next();
  // Error text for whatever was given but not consumed; empty if nothing.
  std::string Leftover() const;

 private:
  std::vector<std::string> positional_;
  size_t next_ = 0;
  std::vector<std::pair<std::string, std::string>> options_;
  std::set<std::string> flags_given_;
  std::set<std::string> consumed_;
  std::string error_;
};

}  // namespace werkbank::cli

#endif  // WERKBANK_CLI_ARGS_H_
