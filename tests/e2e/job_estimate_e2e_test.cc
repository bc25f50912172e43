// SPDX-License-Identifier: EUPL-1.2
// The time estimate against the run: a job of a few hundred moves on each
// simulator, whose moves take as long as the firmware's motion would (feed
// rate, distance, acceleration), runs within ±20 % of its estimate. The run
// time is the one the daemon recorded for the job (held time left out); the
// simulators run kTimeScale times faster than the machine, so that the test
// takes seconds. The laser's config gives no rates: the estimate uses what
// GRBL reported in `$$`, which GRBL's factory values would miss fivefold;
// likewise a printer slower than Marlin's factory values is estimated from
// what it reported to M503, and one whose firmware lacks M503 says so in the
// machine's log.
#include <gmock/gmock.h>

#include <iostream>

#include "absl/strings/match.h"
#include "machine_fixture.h"

namespace werkbank::testing {
namespace {

constexpr double kTimeScale = 15;

class EstimateE2E : public MachineE2E {
 protected:
  // Uploads and runs `program` on `machine` and returns its record once it
  // completed.
  v1::Job Run(const std::string& machine, const std::string& program,
              std::vector<std::string> confirm) {
    BookNowAndCheckIn(pia_, machine);
    EXPECT_TRUE(Unlock(pia_, machine).ok());
    const v1::Job job = Upload(pia_, machine, program);
    EXPECT_TRUE(job.preflight().passed());
    const grpc::Status started = StartJob(pia_, job.id(), confirm);
    EXPECT_TRUE(started.ok()) << started.error_message();
    EXPECT_TRUE(WaitUntil(
        [&] { return GetJob(job.id()).state() == v1::JOB_STATE_COMPLETED; },
        absl::Seconds(60)));
    return GetJob(job.id());
  }
};

TEST_F(EstimateE2E, ALaserJobRunsWithinAFifthOfItsEstimate) {
  laser_motion_ = "";  // the daemon reads the rates from `$$`
  laser_sim_args_ = {"--motion-time", "--time-scale",  absl::StrCat(kTimeScale),
                     "--max-rate",    "6000,6000,600", "--acceleration",
                     "500,500,50"};
  StartLab();
  // Back and forth across 20 mm at 50 mm/s, stepping 0.1 mm: a raster.
  std::string program = "G21 G90\nG0 X0 Y0\nM4 S300\n";
  for (int i = 1; i <= 300; ++i) {
    absl::StrAppend(&program, "G1 X", i % 2 == 1 ? 20 : 0, " Y", i * 0.1,
                    " F3000\n");
  }
  program += "M5\n";
  const v1::Job job = Run("laser-1", program, {"extraction"});
  ASSERT_TRUE(job.has_run_seconds());
  const double machine_seconds = job.run_seconds() * kTimeScale;
  std::cout << "estimated " << job.estimated_seconds() << " s, ran "
            << machine_seconds << " s at machine speed\n";
  EXPECT_GT(job.estimated_seconds(), 100);  // 300 moves of 0.5 s
  EXPECT_NEAR(machine_seconds, job.estimated_seconds(),
              0.2 * job.estimated_seconds())
      << "estimated " << job.estimated_seconds() << " s, ran "
      << job.run_seconds() << " s x " << kTimeScale;
}

TEST_F(EstimateE2E, APrintRunsWithinAFifthOfItsEstimate) {
  // Marlin's factory rates on both sides; no time per line beyond the move.
  printer_sim_args_ = {"--line-us", "0", "--motion-time", "--time-scale",
                       absl::StrCat(kTimeScale)};
  StartLab();
  std::string program = "G21\nG90\nG28\n";
  for (int i = 1; i <= 300; ++i) {
    absl::StrAppend(&program, "G1 X", i % 2 == 1 ? 140 : 100, " Y",
                    50 + i * 0.2, " F6000\n");
  }
  const v1::Job job = Run("printer-1", program, {});
  ASSERT_TRUE(job.has_run_seconds());
  const double machine_seconds = job.run_seconds() * kTimeScale;
  std::cout << "estimated " << job.estimated_seconds() << " s, ran "
            << machine_seconds << " s at machine speed\n";
  EXPECT_GT(job.estimated_seconds(), 100);  // 300 moves of 0.43 s
  EXPECT_NEAR(machine_seconds, job.estimated_seconds(),
              0.2 * job.estimated_seconds())
      << "estimated " << job.estimated_seconds() << " s, ran "
      << job.run_seconds() << " s x " << kTimeScale;
}

TEST_F(EstimateE2E, APrintIsEstimatedWithTheRatesThePrinterReports) {
  // A slow printer: a quarter of Marlin's factory rates, a tenth of its
  // accelerations. The printer's config gives no motion { }.
  printer_sim_args_ = {"--line-us",
                       "0",
                       "--motion-time",
                       "--time-scale",
                       absl::StrCat(kTimeScale),
                       "--max-rate",
                       "4500,4500,300",
                       "--acceleration",
                       "300,300,50",
                       "--move-acceleration",
                       "250,300"};
  StartLab();
  std::string program = "G21\nG90\nG28\nG1 X100 Y50 F3000\n";
  for (int i = 1; i <= 300; ++i) {
    absl::StrAppend(&program, "G1 X", i % 2 == 1 ? 140 : 100, " Y",
                    50 + i * 0.2, " E", i * 0.1, " F6000\n");
  }
  const v1::Job job = Run("printer-1", program, {});
  ASSERT_TRUE(job.has_run_seconds());
  const double machine_seconds = job.run_seconds() * kTimeScale;
  std::cout << "estimated " << job.estimated_seconds() << " s, ran "
            << machine_seconds << " s at machine speed\n";
  // Factory rates would say about 130 s for 300 moves of 0.43 s.
  EXPECT_GT(job.estimated_seconds(), 200);
  EXPECT_NEAR(machine_seconds, job.estimated_seconds(),
              0.2 * job.estimated_seconds())
      << "estimated " << job.estimated_seconds() << " s, ran "
      << job.run_seconds() << " s x " << kTimeScale;
}

TEST_F(EstimateE2E, APrinterWithoutM503SaysSoInTheMachineLog) {
  printer_sim_args_ = {"--no-m503"};
  StartLab();
  WaitForState("printer-1", v1::MACHINE_STATE_LOCKED);
  bool logged = false;
  for (int i = 0; i < 100 && !logged; ++i) {
    for (const std::string& line : AuditLines()) {
      logged = logged ||
               (absl::StartsWith(line, "machine.motion machine/printer-1: ") &&
                absl::StrContains(line, "does not know M503"));
    }
    if (!logged) absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_TRUE(logged);
}

}  // namespace
}  // namespace werkbank::testing
