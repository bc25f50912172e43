// SPDX-License-Identifier: EUPL-1.2
// The user's upcoming bookings with what they can do with each.
import { bookings, errorMessage } from "../api/client";
import { formatDateTime, formatTime, toDate } from "../common/lab_time";
import { reservationStateName } from "../common/names";
import type { Status } from "../common/status";
import { ReservationState, type LabInfo, type Reservation } from "../gen/werkbank/v1/bookings_pb";
import { t } from "../i18n/i18n";

export function MyReservations(props: { lab: LabInfo; reservations: Reservation[]; onChanged: (s: Status) => void }) {
  const { lab, reservations, onChanged } = props;
  const act = async (what: () => Promise<unknown>, done: string) => {
    try {
      await what();
      onChanged({ kind: "ok", text: done });
    } catch (err) {
      onChanged({ kind: "error", text: errorMessage(err) });
    }
  };
  if (reservations.length === 0) return <p>{t("no_bookings")}</p>;
  return (
    <ul class="cards">
      {reservations.map((r) => {
        const name = lab.machines.find((m) => m.id === r.machineId)?.name ?? r.machineId;
        const when = `${formatDateTime(toDate(r.time?.start), lab.timeZone)}–${formatTime(toDate(r.time?.end), lab.timeZone)}`;
        return (
          <li key={String(r.id)} class="card reservation">
            <strong>{name}</strong> <span>{when}</span> <span class="muted">{reservationStateName(r.state)}</span>
            <div class="actions">
              {r.state === ReservationState.BOOKED && (
                <button type="button" onClick={() => act(() => bookings.checkIn({ id: r.id }), t("checked_in"))}>
                  {t("check_in")}
                </button>
              )}
              {r.state === ReservationState.BOOKED && (
                <button type="button" onClick={() => act(() => bookings.cancelReservation({ id: r.id }), t("cancelled"))}>
                  {t("cancel_booking")}
                </button>
              )}
              {r.state === ReservationState.CHECKED_IN && (
                <a class="button primary" href={`#/machine/${encodeURIComponent(r.machineId)}`}>{t("go_to_machine")}</a>
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
