// SPDX-License-Identifier: EUPL-1.2
// The set-up most end-to-end tests share: the real werkbankd (the demo lab
// unless options say otherwise), a TLS channel to it, and the first staff
// account logged in.
#ifndef WERKBANK_TESTS_SUPPORT_LAB_FIXTURE_H_
#define WERKBANK_TESTS_SUPPORT_LAB_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "daemon.h"

namespace werkbank::testing {

class LabE2E : public ::testing::Test {
 protected:
  // Starts the daemon and logs in as "admin"; a failure fails the test.
  void StartDaemonAndLogIn(const DaemonOptions& options = {}) {
    daemon_ = Daemon::Start(options);
    ASSERT_TRUE(daemon_);
    ch_ = daemon_->Channel();
    admin_ = Login(ch_, "admin", daemon_->admin_password());
  }

  // Creates a user with these roles ("participant", "trainer", "staff") and
  // returns their token.
  std::string NewUser(const std::string& login,
                      const std::vector<std::string>& roles) {
    return Login(ch_, login, CreateUser(ch_, admin_, login, roles));
  }

  std::unique_ptr<Daemon> daemon_;
  std::shared_ptr<grpc::Channel> ch_;
  std::string admin_;  // the first staff account's token
};

}  // namespace werkbank::testing

#endif  // WERKBANK_TESTS_SUPPORT_LAB_FIXTURE_H_
