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

  void StartJob(std::unique_ptr<LineSource> lines);
  void StartJob(std::vector<std::string> lines) {
    StartJob(VectorSource(std::move(lines)));
  }
  // Waits until the job is no longer running (or `timeout`); returns the
  // outcome.
  Outcome Wait(absl::Duration timeout);
  // Waits until the protocol has nothing queued or unanswered (or
  // `timeout`); true when drained.
  bool WaitDrained(absl::Duration timeout);
  // Writes the protocol's stop bytes ahead of any further line.
  void EmergencyStop(const std::string& reason);
  // Runs `f` under the lock and writes the bytes it returns at once, ahead
  // of any further line: cancel, safe state.
  void WriteNow(const std::function<std::string(HostProtocol&)>& f);

  // Runs `f` on the protocol under the streamer's lock, e.g. to hold or
  // resume a GRBL job; what it makes Poll() return goes out next.
  void WithProtocol(const std::function<void(HostProtocol&, absl::Time)>& f);

  Outcome outcome();
  std::string reason();
  int64_t lines_acknowledged();

 private:
  void Loop();

  std::unique_ptr<serial::SerialPort> port_;
  Mutex mu_;
  std::unique_ptr<HostProtocol> protocol_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace werkbank::stream

#endif  // WERKBANK_DRIVERS_STREAM_STREAMER_H_
