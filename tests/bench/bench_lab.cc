// SPDX-License-Identifier: EUPL-1.2
// See bench_lab.h.
#include "bench_lab.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "werkbank/v1/machines.grpc.pb.h"

namespace werkbank::bench {
namespace {

std::string Config(const LabSpec& spec, const testing::TempDir& dir) {
  std::string c = absl::StrCat(R"(
time_zone: "Europe/Berlin"
opening_hours { days: [MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY] open: "00:00" close: "24:00" }
machine_classes { name: "fdm" booking { )",
                               spec.booking, " } }\n");
  for (int m = 1; m <= spec.printers; ++m) {
    absl::StrAppend(&c, "machines { id: \"p", m,
                    "\" machine_class: \"fdm\" protocol: \"marlin\" port: \"",
                    spec.simulated ? dir.File(absl::StrCat("p", m, ".dev"))
                                   : "/dev/null-werkbank",
                    "\"\n  envelope { x_mm: 250 y_mm: 210 z_mm: 210 } }\n");
  }
  return c + spec.extra_config;
}

}  // namespace

std::unique_ptr<BenchLab> BenchLab::Start(const LabSpec& spec) {
  std::unique_ptr<BenchLab> lab(new BenchLab());
  const testing::TempDir& dir = lab->dir_;
  for (int m = 1; spec.simulated && m <= spec.printers; ++m) {
    std::vector<std::string> argv = {testing::BinPath("werkbank-sim"), "marlin",
                                     "--link",
                                     dir.File(absl::StrCat("p", m, ".dev"))};
    if (spec.marlin_line_us > 0) {
      argv.insert(argv.end(),
                  {"--line-us", std::to_string(spec.marlin_line_us)});
    }
    lab->sims_.push_back(std::make_unique<testing::Background>(
        argv, dir.File(absl::StrCat("p", m, ".out")),
        dir.File(absl::StrCat("p", m, ".err"))));
    const std::string link = dir.File(absl::StrCat("p", m, ".dev"));
    for (int i = 0; i < 300 && access(link.c_str(), F_OK) != 0; ++i)
      absl::SleepFor(absl::Milliseconds(10));
  }
  lab->daemon_ = testing::Daemon::Start(
      {.config_text = Config(spec, dir), .state_dir = dir.File("state")});
  if (!lab->daemon_) {
    std::printf("werkbank-bench: werkbankd did not start\n");
    return nullptr;
  }
  lab->channel_ = lab->daemon_->Channel();
  lab->staff_ =
      testing::Login(lab->channel_, "admin", lab->daemon_->admin_password());
  if (lab->staff_.empty()) {
    std::printf("werkbank-bench: staff cannot log in\n");
    return nullptr;
  }
  return lab;
}

BenchLab::~BenchLab() {
  if (daemon_) daemon_->Stop();
}

void BenchLab::ControlSim(const std::string& id,
                          const std::string& command) const {
  // Written aside and renamed, so that the simulator never reads half of it.
  const std::string path = dir_.File(id + ".ctl");
  std::ofstream(path + ".tmp") << command << "\n";
  std::rename((path + ".tmp").c_str(), path.c_str());
}

grpc::Status BenchLab::UnlockForStaff(const std::string& id) {
  auto machines = v1::Machines::NewStub(channel_);
  grpc::Status unlocked;
  for (int i = 0; i < 100; ++i) {
    v1::UnlockRequest req;
    req.set_id(id);
    v1::Machine m;
    auto ctx = testing::Authed(staff_);
    unlocked = machines->Unlock(ctx.get(), req, &m);
    if (unlocked.ok()) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  return unlocked;
}

double CpuSeconds(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  if (stat.empty()) return 0;
  // Fields after the command name, which is in parentheses.
  std::istringstream rest(stat.substr(stat.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);  // utime, stime
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

int64_t StatusField(pid_t pid, const std::string& field) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0)
      return std::stoll(line.substr(field.size() + 1));
  }
  return 0;
}

int64_t ResetPeakKb(pid_t pid) {
  std::ofstream(absl::StrCat("/proc/", pid, "/clear_refs")) << "5";
  return StatusField(pid, "VmHWM");
}

}  // namespace werkbank::bench
