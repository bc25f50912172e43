// SPDX-License-Identifier: EUPL-1.2
// werkbank-bench upload [RUNS] [SIZE_MB...]: big programs against the real
// daemon. For generated prints of 10, 50 and 100 MB (about 37 bytes a line,
// like slicer output) it uploads each RUNS times in 256 KiB chunks, as the
// CLI does, and prints the median time of upload and preflight, lines per
// second (wall clock, and per core of the daemon's CPU), the daemon's peak
// memory growth (VmHWM from /proc, reset before each step), and the time of
// a start refused because the job cannot fit the time left of the unlock.
// The printer is a werkbank-sim on a pseudo-terminal; staff unlock it for
// 30 minutes, which no such print fits.
#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench.h"
#include "bench_lab.h"
#include "werkbank/v1/jobs.grpc.pb.h"
#include "werkbank/v1/machines.grpc.pb.h"

namespace werkbank::bench {
namespace {

// A print of about `bytes` bytes: extrusion moves inside 250 x 210 mm.
std::string Print(int64_t bytes, int seed) {
  std::string p = "; generated print\nM104 S205\nM140 S60\nG28\nG1 Z0.2 F600\n";
  p.reserve(static_cast<size_t>(bytes) + 64);
  for (int64_t i = 0; static_cast<int64_t>(p.size()) < bytes; ++i) {
    const int64_t k = i * 7 + seed;
    absl::StrAppend(&p, "G1 X", 20 + k % 200, ".", k % 1000, " Y",
                    20 + (k / 200) % 170, ".", (k * 3) % 1000, " E0.0",
                    1000 + k % 9000, " F1800\n");
  }
  return p;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

struct Run {
  double upload_s = 0, cpu_s = 0, refusal_ms = 0;
  int64_t lines = 0, upload_growth_kb = 0, refusal_growth_kb = 0;
};

}  // namespace

int UploadBench(int argc, char** argv) {
  const std::optional<int> runs_arg = IntArg(argc, argv, 0, "RUNS", 1, 50, 3);
  if (!runs_arg) return 2;
  std::vector<int> sizes_mb;
  for (int i = 1; i < argc; ++i) {
    const std::optional<int> mb = IntArg(argc, argv, i, "SIZE_MB", 1, 190, 10);
    if (!mb) return 2;
    sizes_mb.push_back(*mb);
  }
  if (sizes_mb.empty()) sizes_mb = {10, 50, 100};
  PrintMachine();
  auto lab =
      BenchLab::Start({.printers = 1,
                       .extra_config = "jobs { max_upload_bytes: 209715200 "
                                       "max_pending_jobs_per_user: 1000 "
                                       "staff_unlock_minutes: 30 }\n"});
  if (!lab) return 1;
  const std::string admin = lab->staff_token();
  auto jobs = v1::Jobs::NewStub(lab->channel());
  if (grpc::Status unlocked = lab->UnlockForStaff("p1"); !unlocked.ok()) {
    std::printf("upload: cannot unlock the printer: %s\n",
                unlocked.error_message().c_str());
    return 1;
  }
  const pid_t pid = lab->pid();
  std::printf("upload: werkbankd resident %lld kB before the first upload\n",
              static_cast<long long>(StatusField(pid, "VmRSS")));
  int seed = 0;
  for (int mb : sizes_mb) {
    std::vector<Run> done;
    for (int r = 0; r < *runs_arg; ++r) {
      const std::string program = Print(int64_t{mb} << 20, ++seed);
      Run run;
      const int64_t before = ResetPeakKb(pid);
      const double cpu0 = CpuSeconds(pid);
      const absl::Time t0 = absl::Now();
      v1::Job job;
      grpc::ClientContext ctx;
      ctx.AddMetadata("authorization", "Bearer " + admin);
      ctx.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::minutes(10));
      auto writer = jobs->UploadJob(&ctx, &job);
      v1::UploadJobRequest part;
      part.mutable_header()->set_machine_id("p1");
      part.mutable_header()->set_file_name(absl::StrCat(mb, "mb.gcode"));
      writer->Write(part);
      constexpr size_t kChunk = 256 << 10;
      for (size_t pos = 0; pos < program.size(); pos += kChunk) {
        part.set_chunk(program.substr(pos, kChunk));
        if (!writer->Write(part)) break;
      }
      writer->WritesDone();
      grpc::Status s = writer->Finish();
      run.upload_s = absl::ToDoubleSeconds(absl::Now() - t0);
      run.cpu_s = CpuSeconds(pid) - cpu0;
      run.upload_growth_kb = StatusField(pid, "VmHWM") - before;
      if (!s.ok() || !job.preflight().passed()) {
        std::printf("upload: %d MB failed: %s %s\n", mb,
                    s.error_message().c_str(),
                    job.preflight().violations_size() > 0
                        ? job.preflight().violations(0).message().c_str()
                        : "");
        return 1;
      }
      run.lines = job.preflight().line_count();

      const int64_t before_start = ResetPeakKb(pid);
      v1::StartJobRequest start;
      start.set_id(job.id());
      v1::Job answer;
      auto sctx = testing::Authed(admin);
      const absl::Time t1 = absl::Now();
      grpc::Status refused = jobs->StartJob(sctx.get(), start, &answer);
      run.refusal_ms = absl::ToDoubleMilliseconds(absl::Now() - t1);
      run.refusal_growth_kb = StatusField(pid, "VmHWM") - before_start;
      if (refused.error_code() != grpc::StatusCode::FAILED_PRECONDITION) {
        std::printf("upload: the start of %d MB was not refused for time: %s\n",
                    mb, refused.error_message().c_str());
        return 1;
      }
      if (r == 0) {
        std::printf("upload: %d MB, %lld lines, estimate %.0f h; refusal: %s\n",
                    mb, static_cast<long long>(run.lines),
                    job.preflight().estimated_seconds() / 3600,
                    refused.error_message().c_str());
      }
      done.push_back(run);
    }
    auto med = [&](auto field) {
      std::vector<double> v;
      for (const Run& r : done) v.push_back(field(r));
      return Median(v);
    };
    const double upload_s = med([](const Run& r) { return r.upload_s; });
    const double lines = static_cast<double>(done[0].lines);
    std::printf(
        "upload: %3d MB: upload+preflight %.2f s (%.0f MB/s), %.0f lines/s, "
        "%.0f lines per CPU-second of werkbankd; peak RSS growth %.1f MB "
        "(max %.1f); refused start %.1f ms, peak RSS growth %.1f MB "
        "(median of %zu)\n",
        mb, upload_s, mb / upload_s, lines / upload_s,
        lines / med([](const Run& r) { return r.cpu_s; }),
        med([](const Run& r) {
          return static_cast<double>(r.upload_growth_kb) / 1024;
        }),
        static_cast<double>(std::max_element(done.begin(), done.end(),
                                             [](const Run& a, const Run& b) {
                                               return a.upload_growth_kb <
                                                      b.upload_growth_kb;
                                             })
                                ->upload_growth_kb) /
            1024,
        med([](const Run& r) { return r.refusal_ms; }), med([](const Run& r) {
          return static_cast<double>(r.refusal_growth_kb) / 1024;
        }),
        done.size());
  }
  lab->daemon().Stop();
  return 0;
}

}  // namespace werkbank::bench
