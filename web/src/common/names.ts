// SPDX-License-Identifier: EUPL-1.2
// Display names for the API's enums, in the current language.
import { JobState } from "../gen/werkbank/v1/jobs_pb";
import { InterlockKind, MachineState } from "../gen/werkbank/v1/machines_pb";
import { ReservationKind, ReservationState } from "../gen/werkbank/v1/bookings_pb";
import { Role, UserGroup } from "../gen/werkbank/v1/common_pb";
import { ServiceRequestState } from "../gen/werkbank/v1/service_requests_pb";
import { t, type Key } from "../i18n/i18n";
import { formatMonth } from "./lab_time";

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
const serviceStates: Record<ServiceRequestState, Key> = {
  [ServiceRequestState.UNSPECIFIED]: "state_unknown",
  [ServiceRequestState.WAITING]: "service_waiting",
  [ServiceRequestState.STARTED]: "service_started",
  [ServiceRequestState.DONE]: "service_done",
  [ServiceRequestState.FAILED]: "service_failed",
  [ServiceRequestState.DECLINED]: "service_declined",
  [ServiceRequestState.WITHDRAWN]: "service_withdrawn",
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
export const serviceStateName = (s: ServiceRequestState) => t(serviceStates[s] ?? "state_unknown");
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

// The count fields of a visit (API field names) and their labels.
export const ageBandFields: Record<string, Key> = {
  under12: "age_under_12",
  age1217: "age_12_17",
  age1829: "age_18_29",
  age3054: "age_30_54",
  age55Plus: "age_55_plus",
  notStated: "not_stated",
};
export const genderFields: Record<string, Key> = {
  female: "gender_female",
  male: "gender_male",
  diverse: "gender_diverse",
  notStated: "not_stated",
};

// The impact report's tables, rows and columns; a key the lab configured
// itself (a group type of its own) shows as it is.
const impactTables: Record<string, Key> = {
  people_by_group_and_month: "table_people_by_group_and_month",
  people_by_age_band: "table_people_by_age_band",
  people_by_gender: "table_people_by_gender",
  first_time: "table_first_time",
  visits_by_group: "table_visits_by_group",
  machine_hours_by_purpose: "table_machine_hours_by_purpose",
  qualifications_by_class: "table_qualifications_by_class",
};
const groupTypes: Record<string, Key> = {
  school_class: "group_school_class",
  club: "group_club",
  citizens: "group_citizens",
  city_staff: "group_city_staff",
  other: "group_other",
};
const impactKeys: Record<string, Key> = {
  ...groupTypes,
  under_12: "age_under_12",
  age_12_17: "age_12_17",
  age_18_29: "age_18_29",
  age_30_54: "age_30_54",
  age_55_plus: "age_55_plus",
  not_stated: "not_stated",
  female: "gender_female",
  male: "gender_male",
  diverse: "gender_diverse",
  not_recorded: "gender_not_recorded",
  first_visit: "first_visit",
  returning: "returning",
  personal: "purpose_personal",
  workshop: "purpose_workshop",
  print_service: "purpose_print_service",
  maintenance: "purpose_maintenance",
  total: "total",
  people: "col_people",
  visits: "col_visits",
  hours: "col_hours",
};
export const impactTableName = (name: string) => (impactTables[name] ? t(impactTables[name]) : name);
export const groupTypeName = (g: string) => (groupTypes[g] ? t(groupTypes[g]) : g);
// Months ("2026-03") by their name in the current language.
export const impactKeyName = (k: string) => {
  const month = /^(\d{4})-(\d{2})$/.exec(k);
  if (month) return formatMonth(+month[1], +month[2]);
  return impactKeys[k] ? t(impactKeys[k]) : k;
};

// Roles and user groups in the order the staff's forms offer them.
export const roleKeys: [Role, Key][] = [[Role.PARTICIPANT, "role_participant"], [Role.TRAINER, "role_trainer"], [Role.STAFF, "role_staff"]];
export const userGroupKeys: [UserGroup, Key][] = [
  [UserGroup.UNSPECIFIED, "user_group_none"],
  [UserGroup.CITIZEN, "user_group_citizen"],
  [UserGroup.SCHOOL, "user_group_school"],
  [UserGroup.CLUB, "user_group_club"],
  [UserGroup.BUSINESS, "user_group_business"],
  [UserGroup.ADMINISTRATION, "user_group_administration"],
];
export const reservationKindKeys: Record<number, Key> = {
  [ReservationKind.PERSONAL]: "kind_personal",
  [ReservationKind.WORKSHOP]: "kind_workshop",
  [ReservationKind.MAINTENANCE]: "kind_maintenance",
};
