// SPDX-License-Identifier: EUPL-1.2
// Runs a HostProtocol against a SerialPort on its own I/O thread, which alone
// owns the port's reads. EmergencyStop() is the immediate channel: it takes
// the protocol lock (held by the I/O thread only for one state step and one
// write) and writes the stop bytes before the I/O thread can write anything
// else.
#ifndef WERKBANK_DRIVERS_STREAM_STREAMER_H_
#define WERKBANK_DRIVERS_STREAM_STREAMER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "base/mutex.h"
#include "drivers/serial/serial_port.h"
#include "host_protocol.h"

namespace werkbank::stream {

class Streamer {
 public:
  Streamer(std::unique_ptr<serial::SerialPort> port,
           std::unique_ptr<HostProtocol> protocol);
  ~Streamer();  // stops the I/O thread

  void StartJob(std::unique_ptr<LineSource> lines) ABSL_LOCKS_EXCLUDED(mu_);
  void StartJob(std::vector<std::string> lines) ABSL_LOCKS_EXCLUDED(mu_) {
    StartJob(VectorSource(std::move(lines)));
  }
  // Waits until the job is no longer running (or `timeout`); returns the
  // outcome.
  Outcome Wait(absl::Duration timeout) ABSL_LOCKS_EXCLUDED(mu_);
  // Waits until the protocol has nothing queued or unanswered (or
  // `timeout`); true when drained.
  bool WaitDrained(absl::Duration timeout) ABSL_LOCKS_EXCLUDED(mu_);
  // Writes the protocol's stop bytes ahead of any further line.
  void EmergencyStop(const std::string& reason) ABSL_LOCKS_EXCLUDED(mu_);
  // Runs `f` under the lock and writes the bytes it returns at once, ahead
  // of any further line: cancel, safe state.
  void WriteNow(const std::function<std::string(HostProtocol&)>& f)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Runs `f` on the protocol under the streamer's lock, e.g. to hold or
  // resume a GRBL job; what it makes Poll() return goes out next.
  void WithProtocol(const std::function<void(HostProtocol&, absl::Time)>& f)
      ABSL_LOCKS_EXCLUDED(mu_);

  Outcome outcome() ABSL_LOCKS_EXCLUDED(mu_);
  std::string reason() ABSL_LOCKS_EXCLUDED(mu_);
  int64_t lines_acknowledged() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Loop() ABSL_LOCKS_EXCLUDED(mu_);

  std::unique_ptr<serial::SerialPort> port_;
  Mutex mu_;
  std::unique_ptr<HostProtocol> protocol_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace werkbank::stream

#endif  // WERKBANK_DRIVERS_STREAM_STREAMER_H_
