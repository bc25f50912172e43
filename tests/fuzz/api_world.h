// SPDX-License-Identifier: EUPL-1.2
// The daemon's services for a fuzz target, in one process: the demo lab (a
// simulated printer and laser), a store in a temporary directory, the real
// gRPC server with its interceptors on 127.0.0.1 without TLS, and one
// logged-in account of each role.
#ifndef WERKBANK_TESTS_FUZZ_API_WORLD_H_
#define WERKBANK_TESTS_FUZZ_API_WORLD_H_

#include <grpcpp/channel.h>

#include <array>
#include <memory>
#include <string>

namespace werkbank::fuzz {

// Who calls: nobody, or a participant, a trainer or staff.
enum class Caller { kNobody = 0, kParticipant, kTrainer, kStaff };
constexpr int kCallers = 4;

class ApiWorld {
 public:
  // Starts everything; aborts with a message when it cannot (a fuzz target
  // without its world tests nothing).
  ApiWorld();
  ~ApiWorld();

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  // The caller's bearer token ("" for nobody).
  const std::string& token(Caller c) const {
    return tokens_[static_cast<size_t>(c)];
  }
  // Gives every account back its roles, password and session after an
  // input that may have taken them (a logout, a disabled account, a new
  // password).
  void RestoreCallers();

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
  std::shared_ptr<grpc::Channel> channel_;
  std::array<std::string, kCallers> tokens_;
  std::string staff_password_;
};

}  // namespace werkbank::fuzz

#endif  // WERKBANK_TESTS_FUZZ_API_WORLD_H_
