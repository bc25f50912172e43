// SPDX-License-Identifier: EUPL-1.2
// Big jobs in constant memory, against the real daemon: an upload in many
// chunks is stored under its hash and checked line by line (a violation far
// into the file names its line), the daemon's peak memory grows by far less
// than the file would take parsed, and a job that cannot fit the reservation
// is refused before its file is read.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "machine_fixture.h"
#include "memory_bound.h"
#include "services/common/crypto.h"

namespace werkbank::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The daemon's peak resident memory (VmHWM) in kB, reset to the current
// resident size first when `reset` (clear_refs 5).
int64_t PeakKb(pid_t pid, bool reset = false) {
  if (reset) std::ofstream(absl::StrCat("/proc/", pid, "/clear_refs")) << "5";
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6));
  }
  return 0;
}

class BigJobE2E : public MachineE2E {
 protected:
  grpc::Status UploadInChunks(const std::string& token,
                              const std::string& machine,
                              const std::string& program, size_t chunk_bytes,
                              v1::Job* job, bool dry_run = false) {
    auto ctx = Authed(token);
    auto writer = v1::Jobs::NewStub(ch_)->UploadJob(ctx.get(), job);
    v1::UploadJobRequest header;
    header.mutable_header()->set_machine_id(machine);
    header.mutable_header()->set_file_name("big.gcode");
    header.mutable_header()->set_dry_run_on_machine(dry_run);
    writer->Write(header);
    for (size_t pos = 0; pos < program.size(); pos += chunk_bytes) {
      v1::UploadJobRequest chunk;
      chunk.set_chunk(program.substr(pos, chunk_bytes));
      if (!writer->Write(chunk)) break;
    }
    writer->WritesDone();
    return writer->Finish();
  }

  std::string StoredPath(const v1::Job& job) {
    return absl::StrCat(daemon_->state_dir(), "/jobs/", job.sha256(), ".gcode");
  }

  // A print of `moves` long moves at a slow feed: hours on the printer.
  static std::string LongPrint(int moves) {
    std::string p = "M104 S200\nG28\n";
    for (int i = 0; i < moves; ++i)
      absl::StrAppend(&p, "G1 X", i % 2 ? 200 : 10, " Y", 10 + i % 190,
                      " F600\n");
    return p;
  }
};

TEST_F(BigJobE2E, AnUploadInManyChunksIsStoredAndCheckedLineByLine) {
  StartLab();
  if (HasFatalFailure()) return;
  // About 8 MB: CRLF and LF, comments, blank lines; one move outside the
  // printer's 250 mm far into the file; the last line without a newline.
  const int kMoves = 220000, kOutside = 200000;
  std::string program = "; generated\r\nM104 S200\r\nG28\r\n\r\n";
  const int64_t outside_line = 5 + kOutside;  // after the 4 lines above
  int64_t commands = 2;
  for (int i = 0; i < kMoves; ++i) {
    absl::StrAppend(&program, "G1 X", i == kOutside ? 400 : 10 + i % 200,
                    ".25 Y", 10 + (i / 200) % 190, ".5 E0.0123 F1800",
                    i % 5 == 0 ? " ; perimeter\r\n" : "\n");
    ++commands;
  }
  program += "M84";
  ++commands;
  ASSERT_GT(program.size(), 7u << 20);
  const pid_t pid = daemon_->pid();
  const int64_t before_kb = PeakKb(pid, /*reset=*/true);

  v1::Job job;
  grpc::Status s = UploadInChunks(pia_, "printer-1", program, 65521, &job);
  ASSERT_TRUE(s.ok()) << s.error_message();

  // Parsed whole, the file took ~15 times its size; streamed, the daemon's
  // peak grows by a few MB (gRPC's buffers, one chunk).
  const int64_t growth_kb = PeakKb(pid) - before_kb;
  EXPECT_LT(growth_kb, MemoryBoundKb(48 * 1024))
      << "peak memory grew by " << growth_kb << " kB for a "
      << program.size() / 1024 << " kB upload";
  EXPECT_EQ(job.sha256(), crypto::Sha256Hex(program));
  EXPECT_EQ(job.size_bytes(), static_cast<int64_t>(program.size()));
  std::ifstream stored(StoredPath(job), std::ios::binary);
  std::stringstream text;
  text << stored.rdbuf();
  EXPECT_TRUE(text.str() == program) << "the stored file differs";
  EXPECT_FALSE(job.preflight().passed());
  EXPECT_EQ(job.preflight().line_count(), commands);
  ASSERT_EQ(job.preflight().violations_size(), 1);
  EXPECT_EQ(job.preflight().violations(0).line(), outside_line);
  EXPECT_EQ(job.preflight().violations(0).rule(), "envelope");
  EXPECT_THAT(job.preflight().violations(0).message(), HasSubstr("X 400.250"));
  // Nothing but stored programs is left in the jobs folder.
  for (const auto& entry :
       std::filesystem::directory_iterator(daemon_->state_dir() + "/jobs")) {
    EXPECT_TRUE(entry.path().extension() == ".gcode") << entry.path();
  }
}

TEST_F(BigJobE2E, AJobThatCannotFitIsRefusedBeforeItsFileIsRead) {
  StartLab();
  if (HasFatalFailure()) return;
  BookNowAndCheckIn(pia_, "printer-1", absl::Minutes(30));
  ASSERT_TRUE(Unlock(pia_, "printer-1").ok());
  const v1::Job too_long = Upload(pia_, "printer-1", LongPrint(3000));
  ASSERT_TRUE(too_long.preflight().passed());
  ASSERT_GT(too_long.preflight().estimated_seconds(), 3600);
  const v1::Job short_one = Upload(pia_, "printer-1", "G28\nG1 X10 F3000\n");
  ASSERT_TRUE(short_one.preflight().passed());

  // Without its file, the long job is still refused for the reservation:
  // the refusal came before any read.
  ASSERT_TRUE(std::filesystem::remove(StoredPath(too_long)));
  grpc::Status refused = StartJob(pia_, too_long.id(), {});
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(), HasSubstr("of your reservation remain"));
  EXPECT_THAT(refused.error_message(), Not(HasSubstr("stored program")));

  // A job that fits has its file checked before the machine gets a line.
  std::ofstream(StoredPath(short_one), std::ios::binary) << "G1 X999\n";
  grpc::Status damaged = StartJob(pia_, short_one.id(), {});
  EXPECT_EQ(damaged.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_THAT(damaged.error_message(), HasSubstr("missing or damaged"));
  EXPECT_EQ(GetMachine("printer-1").state(), v1::MACHINE_STATE_UNLOCKED);

  // Uploaded again, the same program is stored again and runs from disk.
  const v1::Job again = Upload(pia_, "printer-1", "G28\nG1 X10 F3000\n");
  grpc::Status started = StartJob(pia_, again.id(), {});
  ASSERT_TRUE(started.ok()) << started.error_message();
  EXPECT_TRUE(WaitUntil(
      [&] { return GetJob(again.id()).state() == v1::JOB_STATE_COMPLETED; },
      absl::Seconds(20)))
      << GetJob(again.id()).end_reason();
}

TEST_F(BigJobE2E, ADryRunOfAVeryLongProgramIsRefusedWithAReason) {
  StartLab();
  if (HasFatalFailure()) return;
  std::string cut = "G21 G90\nM4 S600\n";
  for (int i = 0; i < 50001; ++i)
    absl::StrAppend(&cut, "G1 X", 10 + i % 100, " Y", 10 + i / 100 % 100,
                    " F3000\n");
  v1::Job job;
  grpc::Status s = UploadInChunks(pia_, "laser-1", cut + "M5\n", 1 << 20, &job,
                                  /*dry_run=*/true);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << "preflight: " << job.preflight().DebugString().substr(0, 300);
  EXPECT_THAT(s.error_message(), HasSubstr("at most 50000 lines"));
  EXPECT_THAT(s.error_message(), HasSubstr("without the dry run"));
}

}  // namespace
}  // namespace werkbank::testing
