// SPDX-License-Identifier: EUPL-1.2
// scrypt hashing; see secret_hash.h.
#include "secret_hash.h"

#include <openssl/evp.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/mutex.h"
#include "services/common/crypto.h"

namespace werkbank::access {
namespace {

constexpr int kLogN = 14;
constexpr int kR = 8;
constexpr int kP = 1;
constexpr size_t kHashBytes = 32;

bool ScryptHere(absl::string_view secret, absl::string_view salt, int log_n,
                int r, int p, std::string& out) {
  out.assign(kHashBytes, '\0');
  return EVP_PBE_scrypt(
             secret.data(), secret.size(),
             reinterpret_cast<const unsigned char*>(salt.data()), salt.size(),
             uint64_t{1} << log_n, r, p, 64ull * 1024 * 1024,
             reinterpret_cast<unsigned char*>(out.data()), out.size()) == 1;
}

// scrypt runs on two threads of its own at nice 10 (a thread may lower its
// own priority without privileges; it could not raise it back, which is why
// the server's threads never do). A flood of logins then takes only the CPU
// that emergency stops, the machines' state and bookings leave over, and
// its 16 MiB buffers stay in those two threads' memory. The caller waits.
constexpr int kHashThreads = 2;
constexpr int kHashNice = 10;

class HashThreads {
 public:
  static HashThreads& Get() {
    static HashThreads* const threads = new HashThreads();  // never destroyed
    return *threads;
  }

  void Run(const std::function<void()>& work) ABSL_LOCKS_EXCLUDED(mu_) {
    bool done = false;
    MutexLock lock(&mu_);
    queue_.push_back([&] {
      work();
      MutexLock done_lock(&mu_);
      done = true;
    });
    auto finished = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return done; };
    mu_.Await(absl::Condition(&finished));
  }

 private:
  HashThreads() {
    for (int i = 0; i < kHashThreads; ++i) {
      std::thread([this] { Serve(); }).detach();
    }
  }

  void Serve() ABSL_LOCKS_EXCLUDED(mu_) {
    (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)),
                      kHashNice);
    for (;;) {
      std::function<void()> job;
      {
        MutexLock lock(&mu_);
        auto has_work = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          return !queue_.empty();
        };
        mu_.Await(absl::Condition(&has_work));
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      job();
    }
  }

  Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
};

bool HexDecode(absl::string_view hex, std::string& out) {
  if (hex.size() % 2 != 0) return false;
  out.clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    int v = 0;
    for (int k = 0; k < 2; ++k) {
      char c = hex[i + k];
      int d = (c >= '0' && c <= '9')   ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                                       : -1;
      if (d < 0) return false;
      v = v * 16 + d;
    }
    out.push_back(static_cast<char>(v));
  }
  return true;
}

bool Scrypt(absl::string_view secret, absl::string_view salt, int log_n, int r,
            int p, std::string& out) {
  bool ok = false;
  HashThreads::Get().Run(
      [&] { ok = ScryptHere(secret, salt, log_n, r, p, out); });
  return ok;
}

}  // namespace

std::string HashSecret(absl::string_view secret) {
  const std::string salt = crypto::RandomBytes(16);
  std::string hash;
  if (!Scrypt(secret, salt, kLogN, kR, kP, hash)) {
    // Only out-of-memory gets here; an unusable hash never matches.
    return "scrypt$invalid";
  }
  return absl::StrCat("scrypt$", kLogN, "$", kR, "$", kP, "$",
                      crypto::HexEncode(salt), "$", crypto::HexEncode(hash));
}

bool VerifySecret(absl::string_view secret, absl::string_view stored) {
  std::vector<absl::string_view> parts = absl::StrSplit(stored, '$');
  int log_n = 0, r = 0, p = 0;
  std::string salt, expected;
  if (parts.size() != 6 || parts[0] != "scrypt" ||
      !absl::SimpleAtoi(parts[1], &log_n) || !absl::SimpleAtoi(parts[2], &r) ||
      !absl::SimpleAtoi(parts[3], &p) || log_n < 10 || log_n > 20 || r < 1 ||
      r > 32 || p < 1 || p > 16 || !HexDecode(parts[4], salt) ||
      !HexDecode(parts[5], expected)) {
    return false;
  }
  std::string actual;
  if (!Scrypt(secret, salt, log_n, r, p, actual)) return false;
  return crypto::ConstantTimeEquals(actual.substr(0, expected.size()),
                                    expected) &&
         expected.size() == kHashBytes;
}

std::string GeneratePassword() {
  static constexpr char kAlphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
  constexpr size_t kAlphabetSize = sizeof(kAlphabet) - 1;
  std::string bytes = crypto::RandomBytes(64);
  std::string out;
  for (unsigned char b : bytes) {
    // Rejection sampling keeps every character equally likely.
    if (b >= 256 - (256 % kAlphabetSize)) continue;
    out.push_back(kAlphabet[b % kAlphabetSize]);
    if (out.size() == 16) break;
  }
  return out;
}

}  // namespace werkbank::access
