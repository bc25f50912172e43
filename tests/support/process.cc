// SPDX-License-Identifier: EUPL-1.2
// Child processes for end-to-end tests; see process.h.
#include "process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace werkbank::testing {
namespace {

std::vector<char*> CArgs(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const auto& a : argv) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

std::string TempPath() {
  char tmpl[] = "/tmp/werkbank-run-XXXXXX";
  int fd = ::mkstemp(tmpl);
  if (fd >= 0) ::close(fd);
  return tmpl;
}

}  // namespace

std::string BinPath(const std::string& name) {
  const char* dir = std::getenv("WERKBANK_BIN_DIR");
  return std::string(dir ? dir : "build/bin") + "/" + name;
}

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

RunResult RunCommand(const std::vector<std::string>& argv,
                     const std::string& stdin_text,
                     const std::map<std::string, std::string>& env,
                     int timeout_s) {
  const std::string in_path = TempPath();
  const std::string out_path = TempPath();
  const std::string err_path = TempPath();
  {
    std::ofstream in(in_path, std::ios::binary);
    in << stdin_text;
  }
  RunResult result;
  {
    Background child(argv, out_path, err_path, env, in_path);
    result.exit_code = child.Wait(timeout_s);
  }
  result.out = ReadFileOrEmpty(out_path);
  result.err = ReadFileOrEmpty(err_path);
  ::unlink(in_path.c_str());
  ::unlink(out_path.c_str());
  ::unlink(err_path.c_str());
  return result;
}

Background::Background(const std::vector<std::string>& argv,
                       const std::string& out_path, const std::string& err_path,
                       const std::map<std::string, std::string>& env,
                       const std::string& in_path) {
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ == 0) {
    // A test that crashes must not leave daemons and simulators behind.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    int in = ::open(in_path.empty() ? "/dev/null" : in_path.c_str(), O_RDONLY);
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    auto args = CArgs(argv);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
}

int Background::Wait(int timeout_s) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (Running()) {
    if (std::chrono::steady_clock::now() > deadline) {
      Stop(SIGKILL, 5);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
}

Background::~Background() {
  if (Running()) Stop(SIGKILL, 5);
}

bool Background::Running() {
  if (pid_ <= 0 || reaped_) return false;
  pid_t r = ::waitpid(pid_, &status_, WNOHANG);
  if (r == pid_) {
    reaped_ = true;
    return false;
  }
  return true;
}

int Background::Stop(int sig, int timeout_s) {
  if (Running()) {
    ::kill(pid_, sig);
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    while (Running()) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status_, 0);
        reaped_ = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  if (WIFEXITED(status_)) return WEXITSTATUS(status_);
  if (WIFSIGNALED(status_)) return 128 + WTERMSIG(status_);
  return -1;
}

}  // namespace werkbank::testing
