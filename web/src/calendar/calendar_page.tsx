// SPDX-License-Identifier: EUPL-1.2
// Free times per machine for a day or a week in lab time; pick a slot and a
// length to book it. Below, the user's bookings: cancel, check in, go to the
// machine, and download them as a calendar (ICS).
import { useEffect, useState } from "preact/hooks";
import { bookings, errorMessage } from "../api/client";
import { addLabDays, formatDateTime, formatTime, startOfLabDay, toDate, toTs } from "../common/lab_time";
import { StatusLine, type Status } from "../common/status";
import type { User } from "../gen/werkbank/v1/accounts_pb";
import { ReservationKind, ReservationState, type LabInfo, type Reservation } from "../gen/werkbank/v1/bookings_pb";
import { t } from "../i18n/i18n";
import { isStaff, isTrainer } from "../common/roles";
import { BookingKindFields, loginsOf, personal, type KindChoice } from "./booking_kind";
import { IcsDownload } from "./ics_download";
import { MyReservations } from "./my_reservations";
import { groupByDay, slotsOf, type Slot } from "./slots";

export function CalendarPage({ lab, user }: { lab: LabInfo; user: User }) {
  const zone = lab.timeZone;
  const [machineId, setMachineId] = useState(lab.machines[0]?.id ?? "");
  const [view, setView] = useState<"day" | "week">("day");
  const [day, setDay] = useState(() => startOfLabDay(new Date(), zone));
  const [slots, setSlots] = useState<Slot[]>([]);
  const [picked, setPicked] = useState<Slot | null>(null);
  const [minutes, setMinutes] = useState(0);
  const [mine, setMine] = useState<Reservation[]>([]);
  const [status, setStatus] = useState<Status>(null);
  const [reload, setReload] = useState(0);
  const [kind, setKind] = useState<KindChoice>(personal);

  const machine = lab.machines.find((m) => m.id === machineId);
  const rules = lab.classes.find((c) => c.name === machine?.machineClass)?.rules;
  const slotMinutes = rules?.slotMinutes || 30;
  // A workshop or maintenance may take longer than a personal booking; the daemon says how long.
  const maxMinutes = kind.kind === ReservationKind.PERSONAL ? rules?.maxLengthMinutes || slotMinutes : Math.max(rules?.maxLengthMinutes || 0, 8 * 60);

  useEffect(() => {
    if (!machineId) return;
    const end = addLabDays(day, view === "day" ? 1 : 7, zone);
    bookings
      .getAvailability({ machineId, range: { start: toTs(day), end: toTs(end) } })
      .then(
        (r) => setSlots(slotsOf(r.free.map((f) => ({ start: toDate(f.start), end: toDate(f.end) })), slotMinutes, new Date())),
        (e) => setStatus({ kind: "error", text: errorMessage(e) }),
      );
  }, [machineId, view, day.getTime(), reload]);

  useEffect(() => {
    bookings.listReservations({}).then((r) => setMine(r.reservations.filter((x) => x.ownerLogin === user.login)), () => undefined);
  }, [reload]);

  const book = async (e: Event) => {
    e.preventDefault();
    if (!picked) return;
    const length = minutes || slotMinutes;
    const end = new Date(picked.start.getTime() + length * 60_000);
    try {
      const wholeClass = kind.kind === ReservationKind.MAINTENANCE && kind.wholeClass;
      await bookings.createReservation({
        machineId: wholeClass ? "" : machineId,
        machineClass: wholeClass ? machine?.machineClass ?? "" : "",
        kind: kind.kind,
        time: { start: toTs(picked.start), end: toTs(end) },
        participantLogins: kind.kind === ReservationKind.WORKSHOP ? loginsOf(kind.participants) : [],
        note: kind.note,
      });
      setStatus({ kind: "ok", text: t("booked", { machine: machine?.name ?? machineId, time: `${formatDateTime(picked.start, zone)}–${formatTime(end, zone)}` }) });
      setPicked(null);
      setKind(personal);
      setReload((n) => n + 1);
    } catch (err) {
      setStatus({ kind: "error", text: errorMessage(err) });
    }
  };

  const lengths: number[] = [];
  for (let m = slotMinutes; m <= maxMinutes; m += slotMinutes) lengths.push(m);

  return (
    <section>
      <h1>{t("calendar_title")}</h1>
      <div class="toolbar">
        <label>
          {t("machine")}
          <select value={machineId} onChange={(e) => { setMachineId((e.target as HTMLSelectElement).value); setPicked(null); }}>
            {lab.machines.map((m) => (
              <option key={m.id} value={m.id}>{m.name}</option>
            ))}
          </select>
        </label>
        <div role="group" aria-label={t("view")}>
          <button type="button" aria-pressed={view === "day"} onClick={() => setView("day")}>{t("day")}</button>
          <button type="button" aria-pressed={view === "week"} onClick={() => setView("week")}>{t("week")}</button>
        </div>
        <div role="group" aria-label={t("navigate")}>
          <button type="button" onClick={() => setDay(addLabDays(day, view === "day" ? -1 : -7, zone))}>{t("earlier")}</button>
          <button type="button" onClick={() => setDay(startOfLabDay(new Date(), zone))}>{t("today")}</button>
          <button type="button" onClick={() => setDay(addLabDays(day, view === "day" ? 1 : 7, zone))}>{t("later")}</button>
        </div>
      </div>
      <p class="hint">{t("lab_time_zone", { zone })}</p>
      <h2>{t("free_times")}</h2>
      {slots.length === 0 && <p>{t("no_free_times")}</p>}
      {groupByDay(slots, zone).map((d) => (
        <div key={d.label} class="slot-day">
          <h3>{d.label}</h3>
          <ul class="slots">
            {d.slots.map((s) => (
              <li key={s.start.getTime()}>
                <button
                  type="button"
                  class="slot"
                  aria-pressed={picked?.start.getTime() === s.start.getTime()}
                  aria-label={`${d.label} ${formatTime(s.start, zone)}`}
                  onClick={() => setPicked(s)}
                >
                  {formatTime(s.start, zone)}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ))}
      {picked && (
        <form class="book-form stack" onSubmit={book}>
          <p>{t("book_from", { time: formatDateTime(picked.start, zone) })}</p>
          <label>
            {t("length")}
            <select value={minutes || slotMinutes} onChange={(e) => setMinutes(Number((e.target as HTMLSelectElement).value))}>
              {lengths.map((m) => (
                <option key={m} value={m}>{t("minutes", { n: m })}</option>
              ))}
            </select>
          </label>
          <BookingKindFields value={kind} onChange={setKind} trainer={isTrainer(user)} staff={isStaff(user)} machineClass={machine?.machineClass ?? ""} />
          <button type="submit" class="primary">{t("book")}</button>
        </form>
      )}
      <StatusLine status={status} />
      <h2>{t("my_bookings")}</h2>
      <MyReservations
        lab={lab}
        reservations={mine.filter((r) => r.state === ReservationState.BOOKED || r.state === ReservationState.CHECKED_IN)}
        onChanged={(s) => { setStatus(s); setReload((n) => n + 1); }}
      />
      <IcsDownload />
    </section>
  );
}
