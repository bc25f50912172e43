// SPDX-License-Identifier: EUPL-1.2
// The kind of a booking beyond a personal one: trainers book workshops with
// their participants, staff book maintenance for a machine or its whole class.
// The daemon decides who may; the form only offers what the role suggests.
import { ReservationKind } from "../gen/werkbank/v1/bookings_pb";
import { reservationKindKeys } from "../common/names";
import { t } from "../i18n/i18n";

export interface KindChoice {
  kind: ReservationKind;
  participants: string;
  wholeClass: boolean;
  note: string;
}

export const personal: KindChoice = { kind: ReservationKind.PERSONAL, participants: "", wholeClass: false, note: "" };

export function BookingKindFields({ value, onChange, trainer, staff, machineClass }: {
  value: KindChoice;
  onChange: (v: KindChoice) => void;
  trainer: boolean;
  staff: boolean;
  machineClass: string;
}) {
  const kinds = [ReservationKind.PERSONAL];
  if (trainer) kinds.push(ReservationKind.WORKSHOP);
  if (staff) kinds.push(ReservationKind.MAINTENANCE);
  if (kinds.length === 1) return null;
  return (
    <>
      <label>
        {t("booking_kind")}
        <select value={value.kind} onChange={(e) => onChange({ ...value, kind: Number((e.target as HTMLSelectElement).value) })}>
          {kinds.map((k) => <option key={k} value={k}>{t(reservationKindKeys[k] ?? "kind_personal")}</option>)}
        </select>
      </label>
      {value.kind === ReservationKind.WORKSHOP && (
        <label>
          {t("workshop_participants")}
          <input value={value.participants} onInput={(e) => onChange({ ...value, participants: (e.target as HTMLInputElement).value })} />
        </label>
      )}
      {value.kind === ReservationKind.MAINTENANCE && (
        <label class="check">
          <input type="checkbox" checked={value.wholeClass} onChange={(e) => onChange({ ...value, wholeClass: (e.target as HTMLInputElement).checked })} />
          {t("maintenance_whole_class", { class: machineClass })}
        </label>
      )}
      {value.kind !== ReservationKind.PERSONAL && (
        <label>
          {t("note")}
          <input value={value.note} onInput={(e) => onChange({ ...value, note: (e.target as HTMLInputElement).value })} />
        </label>
      )}
    </>
  );
}

// Logins separated by commas, spaces or new lines.
export const loginsOf = (text: string): string[] => text.split(/[\s,;]+/).filter((l) => l);
