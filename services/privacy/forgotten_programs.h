// SPDX-License-Identifier: EUPL-1.2
// The uploaded programs of anonymised people: the G-code files of their jobs
// and print service requests, stored in the jobs folder under their SHA-256
// (machines/job_service.h). A program may carry a name (a name plate), so it
// goes with the person; the jobs' records stay, with their times, machine
// and line counts, for the figures. A file that someone else's job or
// request has too (same content), or that a job still reads because it is
// queued, running or paused, stays; the daily task removes the latter once
// the job has ended.
//
// Thread-safe: the store serialises the read; removing a file twice is
// harmless.
#ifndef WERKBANK_SERVICES_PRIVACY_FORGOTTEN_PROGRAMS_H_
#define WERKBANK_SERVICES_PRIVACY_FORGOTTEN_PROGRAMS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/store/store.h"

namespace werkbank::privacy {

struct RemovedPrograms {
  int removed = 0;                // files already gone are not counted
  std::vector<std::string> left;  // "PATH: why" of those that stay
};

// Removes from `jobs_dir` every program that only anonymised people's
// records refer to; one that cannot be removed does not keep the others.
// An error only when the store cannot be read.
absl::StatusOr<RemovedPrograms> RemoveForgottenPrograms(
    store::Store& store, const std::string& jobs_dir);

}  // namespace werkbank::privacy

#endif  // WERKBANK_SERVICES_PRIVACY_FORGOTTEN_PROGRAMS_H_
