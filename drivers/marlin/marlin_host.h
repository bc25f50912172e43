// The Marlin host protocol: numbered lines with XOR checksums, an in-flight
// window against `ok`, resends from the history, `busy:` keepalives, a
// timeout probe with M105 and then a dead-firmware verdict, temperature
// reports, fatal vs recoverable `Error:`, and a `start` line mid-job as a
// firmware reset that aborts the job.
#ifndef WERKBANK_DRIVERS_MARLIN_MARLIN_HOST_H_
#define WERKBANK_DRIVERS_MARLIN_MARLIN_HOST_H_

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "drivers/stream/host_protocol.h"

namespace werkbank::marlin {

struct MarlinOptions {
  int window = 1;                                       // lines in flight
  absl::Duration response_timeout = absl::Seconds(10);  // then probe with M105
  absl::Duration probe_timeout = absl::Seconds(5);      // then: firmware dead
  // Without M155 autoreport, temperatures are polled with M105 this often.
  absl::Duration temperature_poll = absl::Seconds(2);
};

// "N12 G1 X5*71": the line with its number and checksum.
std::string NumberedLine(int64_t n, absl::string_view command);

struct Temperatures {
  double hotend = 0, hotend_target = 0, bed = 0, bed_target = 0;
};
// Parses " T:210.1 /210.0 B:60.0 /60.0 @:0"; nullopt when there is none.
std::optional<Temperatures> ParseTemperatures(absl::string_view line);

class MarlinHost : public stream::HostProtocol {
 public:
  explicit MarlinHost(MarlinOptions options = {});

  void StartJob(std::vector<std::string> lines, absl::Time now) override;
  void OnLine(absl::string_view line, absl::Time now) override;
  std::string Poll(absl::Time now) override;
  absl::Time NextWake(absl::Time now) const override;
  std::string EmergencyStop(const std::string& reason) override;
  void LinkLost(const std::string& reason) override;
  std::string Hold(const std::string& reason, bool door) override;
  void Resume() override;
  std::string Cancel(const std::string& reason) override;
  std::string SafeState() override;
  // Writes `commands` unnumbered, now, and expects their oks.
  std::string Immediate(const std::vector<std::string>& commands);
  // Queues `commands` to go out next, before the rest of the job (e.g.
  // heaters down during a long pause, and back up before resuming).
  void InsertNext(const std::vector<std::string>& commands);

  stream::Outcome outcome() const override { return outcome_; }
  const std::string& reason() const override { return reason_; }
  int64_t lines_acknowledged() const override { return acked_; }
  int64_t lines_total() const override {
    return static_cast<int64_t>(job_.size());
  }
  const Temperatures& temperatures() const { return temps_; }
  bool autoreport() const { return autoreport_; }

 private:
  void End(stream::Outcome outcome, std::string reason);

  MarlinOptions options_;
  struct Entry {
    std::string command;
    bool job = false;  // a line of the job, not one of the host's own
  };
  int64_t JobLinesBefore(int64_t n) const;

  // Everything to send, numbered from 0: the handshake, then the job.
  std::vector<Entry> queue_;
  size_t handshake_lines_ = 0;
  std::vector<std::string> job_;
  int64_t next_ = 0;               // number of the next line to send
  std::deque<int64_t> in_flight_;  // sent, not yet acknowledged
  int ignore_oks_ = 0;             // oks that answer rejected lines
  int64_t acked_ = 0;              // job lines acknowledged
  int64_t confirmed_ = 0;          // lines of queue_ acknowledged
  absl::Time last_rx_ = absl::InfinitePast();
  std::optional<absl::Time> probe_sent_;
  bool autoreport_ = false;
  absl::Time next_temperature_poll_ = absl::InfinitePast();
  Temperatures temps_;
  stream::Outcome outcome_ = stream::Outcome::kIdle;
  std::string reason_;
};

}  // namespace werkbank::marlin

#endif  // WERKBANK_DRIVERS_MARLIN_MARLIN_HOST_H_
