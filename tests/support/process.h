// SPDX-License-Identifier: EUPL-1.2
// Runs the project's real binaries from tests: werkbankd as a background
// process, and one-shot commands such as the `werkbank` CLI with captured
// output. Binaries are found through WERKBANK_BIN_DIR (set by ctest).
#ifndef WERKBANK_TESTS_SUPPORT_PROCESS_H_
#define WERKBANK_TESTS_SUPPORT_PROCESS_H_

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace werkbank::testing {

std::string BinPath(const std::string& name);

struct RunResult {
  int exit_code = -1;  // -1: killed by a signal or not started
  std::string out;
  std::string err;
};

// Runs `argv` to completion with `stdin_text` as standard input and the given
// extra environment; kills it after `timeout_s` seconds.
RunResult RunCommand(const std::vector<std::string>& argv,
                     const std::string& stdin_text,
                     const std::map<std::string, std::string>& env,
                     int timeout_s = 60);

// A process running in the background with stdout and stderr sent to files.
class Background {
 public:
  // Standard input comes from `in_path`, or /dev/null when empty.
  Background(const std::vector<std::string>& argv, const std::string& out_path,
             const std::string& err_path,
             const std::map<std::string, std::string>& env = {},
             const std::string& in_path = "");
  ~Background();
  pid_t pid() const { return pid_; }
  bool Running();
  // Waits for the exit up to `timeout_s`, then kills; the exit code, or -1
  // when killed or ended by a signal.
  int Wait(int timeout_s);
  // Sends `sig` and waits up to `timeout_s`; returns the exit code, or
  // 128+signal when killed by a signal.
  int Stop(int sig, int timeout_s = 20);

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool reaped_ = false;
};

std::string ReadFileOrEmpty(const std::string& path);

}  // namespace werkbank::testing

#endif  // WERKBANK_TESTS_SUPPORT_PROCESS_H_
