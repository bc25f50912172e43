// SPDX-License-Identifier: EUPL-1.2
// The serial driver on a pseudo-terminal: bytes both ways, exclusive open,
// read timeouts, and a clear error when the device disappears.
#include "drivers/serial/serial_port.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "absl/time/clock.h"
#include "drivers/serial/pty.h"

namespace werkbank::serial {
namespace {

using ::testing::HasSubstr;

TEST(SerialPort, BytesBothWaysAndReadTimeout) {
  auto pty = Pty::Create();
  ASSERT_TRUE(pty.ok()) << pty.status();
  auto port = OpenSerialPort(pty->slave_path(), 115200);
  ASSERT_TRUE(port.ok()) << port.status();
  ASSERT_TRUE((*port)->Write("G1 X10\n", absl::Seconds(1)).ok());
  char buf[16] = {0};
  ASSERT_EQ(::read(pty->master_fd(), buf, sizeof buf), 7);
  EXPECT_EQ(std::string(buf, 7), "G1 X10\n");
  ASSERT_EQ(::write(pty->master_fd(), "ok\n", 3), 3);
  auto got = (*port)->Read(64, absl::Seconds(1));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, "ok\n");
  const absl::Time t0 = absl::Now();
  auto nothing = (*port)->Read(64, absl::Milliseconds(50));
  ASSERT_TRUE(nothing.ok());
  EXPECT_EQ(*nothing, "");
  EXPECT_GE(absl::Now() - t0, absl::Milliseconds(45));
}

TEST(SerialPort, OpensExclusively) {
  auto pty = Pty::Create();
  ASSERT_TRUE(pty.ok());
  auto first = OpenSerialPort(pty->slave_path(), 115200);
  ASSERT_TRUE(first.ok());
  auto second = OpenSerialPort(pty->slave_path(), 115200);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(second.status().message()),
              HasSubstr("already in use"));
}

TEST(SerialPort, AVanishedDeviceIsAnErrorNotAHang) {
  auto pty = Pty::Create();
  ASSERT_TRUE(pty.ok());
  auto port = OpenSerialPort(pty->slave_path(), 115200);
  ASSERT_TRUE(port.ok());
  pty->Hangup();
  const absl::Time t0 = absl::Now();
  auto got = (*port)->Read(64, absl::Seconds(5));
  EXPECT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_LT(absl::Now() - t0, absl::Seconds(1));
}

TEST(SerialPort, MissingDeviceHasAClearError) {
  auto port = OpenSerialPort("/dev/werkbank-no-such-laser", 115200);
  ASSERT_FALSE(port.ok());
  EXPECT_THAT(std::string(port.status().message()),
              HasSubstr("/dev/werkbank-no-such-laser"));
}

}  // namespace
}  // namespace werkbank::serial
