// SPDX-License-Identifier: EUPL-1.2
// Anonymising a person: on request (staff, at once) or when their account
// has not been used for privacy.inactive_months (the daemon's daily task).
//
// What stays: the account's id and group, its bookings, jobs,
// qualifications and the visits it recorded, as numbers, so that every
// report is unchanged; and the audit chain, which still verifies (see
// audit/audit_log.h). What goes: the login (replaced by one nobody can
// type), the display name, the card UID, password and PIN hashes, sessions,
// failed-login counters, their API keys, their notes, their job file names,
// the program files they uploaded (see forgotten_programs.h), and every
// occurrence of their login (also capitalised), display name (whole, and
// each word of three letters or more) or card in anyone's text and in the
// audit log (replaced by "user#ID"). Afterwards the database is compacted so
// that none of it is left in the file or its WAL. Backups are not touched.
//
// Their print service requests that still wait are withdrawn (nobody would
// collect the print, and its file goes). A job of theirs that runs goes on as
// when a person logs out (a print may finish, a laser is held); its program
// file goes at the daily task after the job has ended.
//
// Thread-safe: every change runs in one Store::Write().
#ifndef WERKBANK_SERVICES_PRIVACY_ANONYMISER_H_
#define WERKBANK_SERVICES_PRIVACY_ANONYMISER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/access/actor.h"
#include "services/common/clock.h"
#include "services/store/store.h"
#include "werkbank/v1/config.pb.h"

namespace werkbank::privacy {

struct Anonymised {
  int64_t user_id = 0;
  int audit_events_redacted = 0;
  int program_files_removed = 0;
};

class Anonymiser {
 public:
  // `jobs_dir` holds the uploaded programs (machines::JobService).
  Anonymiser(store::Store& store, const Clock& clock, const v1::Config& config,
             std::string jobs_dir);

  // Staff: anonymises the person with `login` at once. NOT_FOUND for an
  // unknown login; FAILED_PRECONDITION for one's own account (another staff
  // member does it, so that a lab never locks out its last admin by
  // accident). A program file that cannot be removed is named in the audit
  // log (privacy.program_left) and tried again by the daily task; the person
  // is anonymised all the same.
  absl::StatusOr<Anonymised> AnonymiseNow(const access::Actor& actor,
                                          const std::string& login,
                                          const std::string& reason);

  // The daily task: anonymises every account without the staff role whose
  // last activity lies more than privacy.inactive_months back, then removes
  // the programs of anonymised people that no job reads any more. Returns
  // the ids anonymised (the caller ends their machine unlocks).
  absl::StatusOr<std::vector<int64_t>> AnonymiseInactive();

  int inactive_months() const;

 private:
  absl::StatusOr<Anonymised> Anonymise(int64_t user_id,
                                       const std::string& actor_login,
                                       const std::string& why);
  // RemoveForgottenPrograms; a failure goes to the audit log. Returns how
  // many files went.
  int RemovePrograms();

  store::Store& store_;
  const Clock& clock_;
  const v1::Config& config_;
  const std::string jobs_dir_;
};

}  // namespace werkbank::privacy

#endif  // WERKBANK_SERVICES_PRIVACY_ANONYMISER_H_
