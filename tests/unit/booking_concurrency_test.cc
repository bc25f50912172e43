// SPDX-License-Identifier: EUPL-1.2
// Many people booking the same machines at the same moment, straight on the
// domain with a real SQLite file (and so through group commit): every slot
// goes to one person at most, every acknowledged booking is stored, quotas
// hold, and the audit chain stays whole. CI runs this under ThreadSanitizer.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <random>
#include <thread>

#include "base/mutex.h"
#include "domain_fixture.h"
#include "services/audit/audit_log.h"

namespace werkbank::testing {
namespace {

class BookingConcurrency : public DomainTest {};

TEST_F(BookingConcurrency, EverySlotGoesToOnePersonAtMost) {
  constexpr int kPeople = 16;
  std::vector<access::Actor> people;
  for (int i = 0; i < kPeople; ++i) {
    const std::string login = absl::StrCat("p", i);
    people.push_back(MakeUser(login, store::kParticipant));
    Brief(staff_, "laser", login);
  }
  // Saturday 09:00-18:00: 18 half-hour slots on each of two lasers.
  const absl::Time opening = Local("2026-03-28 09:00");
  Mutex mu;
  std::map<int64_t, int> acknowledged;  // reservation -> person, under mu
  std::atomic<int> refused_taken{0}, refused_quota{0}, other_errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kPeople; ++i) {
    threads.emplace_back([&, i] {
      std::mt19937 rng(static_cast<unsigned>(i + 1));
      for (int attempt = 0; attempt < 12; ++attempt) {
        const absl::Time start =
            opening + absl::Minutes(30) * static_cast<int64_t>(rng() % 18);
        auto made = Book(people[i], rng() % 2 ? "laser-1" : "laser-2", start,
                         start + absl::Minutes(30));
        if (made.ok()) {
          MutexLock lock(&mu);
          acknowledged[made->front().record.id] = i;
        } else if (absl::IsAlreadyExists(made.status())) {
          ++refused_taken;
        } else if (absl::IsResourceExhausted(made.status())) {
          ++refused_quota;
        } else {
          ++other_errors;
          ADD_FAILURE() << made.status();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GT(refused_taken.load(), 0) << "the people never competed for a slot";
  EXPECT_EQ(other_errors.load(), 0);

  std::map<int, int> per_person;
  ASSERT_TRUE(store_
                  ->Read([&](store::Transaction& tx) -> absl::Status {
                    for (const std::string machine : {"laser-1", "laser-2"}) {
                      store::ReservationFilter f;
                      f.machine_id = machine;
                      auto stored = tx.ListReservations(f);
                      if (!stored.ok()) return stored.status();
                      for (size_t k = 1; k < stored->size(); ++k) {
                        EXPECT_GE((*stored)[k].start, (*stored)[k - 1].end)
                            << "overlap on " << machine;
                      }
                      for (const auto& r : *stored) {
                        EXPECT_TRUE(acknowledged.contains(r.id))
                            << "reservation " << r.id
                            << " stored but never confirmed";
                        ++per_person[acknowledged[r.id]];
                      }
                    }
                    auto chain = audit::Verify(tx);
                    if (!chain.ok()) return chain.status();
                    EXPECT_TRUE(chain->ok) << chain->problem;
                    return absl::OkStatus();
                  })
                  .ok());
  int stored = 0;
  for (const auto& [person, n] : per_person) {
    EXPECT_LE(n, 2) << "p" << person << " is over the quota";
    stored += n;
  }
  EXPECT_EQ(stored, static_cast<int>(acknowledged.size()));
}

}  // namespace
}  // namespace werkbank::testing
