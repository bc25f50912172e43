// SPDX-License-Identifier: EUPL-1.2
// Display names for the API's enums, in the current language.
import { JobState } from "../gen/werkbank/v1/jobs_pb";
import { InterlockKind, MachineState } from "../gen/werkbank/v1/machines_pb";
import { ReservationState } from "../gen/werkbank/v1/bookings_pb";
import { t, type Key } from "../i18n/i18n";

const machineStates: Record<MachineState, Key> = {
  [MachineState.UNSPECIFIED]: "state_unknown",
  [MachineState.OFFLINE]: "machine_offline",
  [MachineState.LOCKED]: "machine_locked",
  [MachineState.UNLOCKED]: "machine_unlocked",
  [MachineState.RUNNING]: "machine_running",
  [MachineState.PAUSED]: "machine_paused",
  [MachineState.FAULT]: "machine_fault",
  [MachineState.BLOCKED]: "machine_blocked",
};
const jobStates: Record<JobState, Key> = {
  [JobState.UNSPECIFIED]: "state_unknown",
  [JobState.UPLOADED]: "job_uploaded",
  [JobState.QUEUED]: "job_queued",
  [JobState.RUNNING]: "job_running",
  [JobState.PAUSED]: "job_paused",
  [JobState.COMPLETED]: "job_completed",
  [JobState.CANCELLED]: "job_cancelled",
  [JobState.FAILED]: "job_failed",
  [JobState.INTERRUPTED]: "job_interrupted",
  [JobState.REJECTED]: "job_rejected",
};
const reservationStates: Record<ReservationState, Key> = {
  [ReservationState.UNSPECIFIED]: "state_unknown",
  [ReservationState.BOOKED]: "reservation_booked",
  [ReservationState.CHECKED_IN]: "reservation_checked_in",
  [ReservationState.COMPLETED]: "reservation_completed",
  [ReservationState.CANCELLED]: "reservation_cancelled",
  [ReservationState.NO_SHOW]: "reservation_no_show",
};
const interlocks: Record<InterlockKind, Key> = {
  [InterlockKind.UNSPECIFIED]: "state_unknown",
  [InterlockKind.DOOR]: "interlock_door",
  [InterlockKind.EXTRACTION]: "interlock_extraction",
  [InterlockKind.AIR_ASSIST]: "interlock_air_assist",
  [InterlockKind.PRESENCE]: "interlock_presence",
  [InterlockKind.THERMAL]: "interlock_thermal",
  [InterlockKind.RESERVATION]: "interlock_reservation",
  [InterlockKind.EMERGENCY_STOP]: "interlock_emergency_stop",
};

export const machineStateName = (s: MachineState) => t(machineStates[s] ?? "state_unknown");
export const jobStateName = (s: JobState) => t(jobStates[s] ?? "state_unknown");
export const reservationStateName = (s: ReservationState) => t(reservationStates[s] ?? "state_unknown");
export const interlockName = (k: InterlockKind) => t(interlocks[k] ?? "state_unknown");
export const machineStateClass = (s: MachineState) => `state state-${(MachineState[s] ?? "UNSPECIFIED").toLowerCase()}`;

// Titles of the usage report's dimensions; unknown ones show their name.
const dimensions: Record<string, Key> = {
  machine_hours: "dim_machine_hours",
  machine_hours_by_group: "dim_machine_hours_by_group",
  jobs: "dim_jobs",
  no_shows: "dim_no_shows",
  bookings_by_group: "dim_bookings_by_group",
  bookings_by_weekday_hour: "dim_bookings_by_weekday_hour",
  people_by_group: "dim_people_by_group",
  people: "dim_people",
  briefings: "dim_briefings",
};
export const dimensionName = (d: string) => (dimensions[d] ? t(dimensions[d]) : d);
