// SPDX-License-Identifier: EUPL-1.2
// Trainers and staff: record a group's visit, turn a booked workshop into a
// visit with one click, and see the visits of the last twelve months.
import { useEffect, useState } from "preact/hooks";
import { bookings, errorMessage, visits } from "../api/client";
import { formatDateTime, toDate, toTs } from "../common/lab_time";
import { groupTypeName } from "../common/names";
import { StatusLine, type Status } from "../common/status";
import { ReservationKind, ReservationState, type LabInfo, type Reservation } from "../gen/werkbank/v1/bookings_pb";
import type { Visit } from "../gen/werkbank/v1/visits_pb";
import { t } from "../i18n/i18n";
import { useGroupTypes } from "./group_types";
import { VisitForm } from "./visit_form";

const DAY_MS = 86_400_000;
// Back a year, and forward as far as workshops are offered, so that a visit
// made from an upcoming workshop marks it as recorded.
const lastYear = () => ({ start: toTs(new Date(Date.now() - 366 * DAY_MS)), end: toTs(new Date(Date.now() + 61 * DAY_MS)) });

export function VisitsPage({ lab }: { lab: LabInfo }) {
  const groupTypes = useGroupTypes();
  const [list, setList] = useState<Visit[]>([]);
  const [workshops, setWorkshops] = useState<Reservation[]>([]);
  const [workshopGroup, setWorkshopGroup] = useState("");
  const [status, setStatus] = useState<Status>(null);
  const [reload, setReload] = useState(0);
  const fail = (e: unknown) => setStatus({ kind: "error", text: errorMessage(e) });

  useEffect(() => {
    visits.listVisits({ range: lastYear() }).then((r) => setList(r.visits), fail);
    bookings.listReservations({ allUsers: true, range: { start: toTs(new Date(Date.now() - 60 * DAY_MS)), end: toTs(new Date(Date.now() + 61 * DAY_MS)) } }).then(
      (r) => setWorkshops(r.reservations.filter((w) => w.kind === ReservationKind.WORKSHOP && w.state !== ReservationState.CANCELLED)),
      fail,
    );
  }, [reload]);

  const recorded = new Set(list.map((v) => v.reservationId));
  const fromWorkshop = async (w: Reservation) => {
    try {
      const v = await visits.visitFromReservation({ reservationId: w.id, groupType: workshopGroup || groupTypes[0] });
      setStatus({ kind: "ok", text: t("visit_recorded", { n: v.headCount, group: groupTypeName(v.groupType) }) });
      setReload((n) => n + 1);
    } catch (err) {
      fail(err);
    }
  };
  const sorted = [...list].sort((a, b) => toDate(b.start).getTime() - toDate(a.start).getTime());

  return (
    <section>
      <h1>{t("visits_title")}</h1>
      <p class="hint">{t("visits_hint")}</p>
      <VisitForm lab={lab} groupTypes={groupTypes} onRecorded={() => setReload((n) => n + 1)} />

      <h2>{t("workshops_title")}</h2>
      <StatusLine status={status} />
      {workshops.length === 0 ? (
        <p>{t("no_workshops")}</p>
      ) : (
        <>
          <label class="inline">
            {t("group_type")}{" "}
            <select value={workshopGroup || groupTypes[0]} onChange={(e) => setWorkshopGroup((e.target as HTMLSelectElement).value)}>
              {groupTypes.map((g) => <option key={g} value={g}>{groupTypeName(g)}</option>)}
            </select>
          </label>
          <ul class="plain">
            {workshops.map((w) => (
              <li key={String(w.id)} class="workshop">
                {formatDateTime(toDate(w.time?.start), lab.timeZone)} · {w.machineId} · {w.note || t("no_topic")} ·{" "}
                {recorded.has(w.id) ? (
                  <span class="muted">{t("visit_already_recorded")}</span>
                ) : (
                  <button type="button" onClick={() => fromWorkshop(w)}>{t("workshop_to_visit")}</button>
                )}
              </li>
            ))}
          </ul>
        </>
      )}

      <h2>{t("visits_list_title")}</h2>
      {sorted.length === 0 ? (
        <p>{t("no_visits")}</p>
      ) : (
        <div class="scroll" tabIndex={0} role="region" aria-label={t("visits_list_title")}>
          <table class="visits">
            <thead>
              <tr><th>{t("date")}</th><th>{t("group_type")}</th><th>{t("head_count")}</th><th>{t("first_timers")}</th><th>{t("duration_minutes")}</th><th>{t("machine_classes_used")}</th><th>{t("topic")}</th><th>{t("recorded_by")}</th></tr>
            </thead>
            <tbody>
              {sorted.map((v) => (
                <tr key={String(v.id)}>
                  <td>{formatDateTime(toDate(v.start), lab.timeZone)}</td>
                  <td>{groupTypeName(v.groupType)}</td>
                  <td>{v.headCount}</td>
                  <td>{v.firstTimers}</td>
                  <td>{v.durationMinutes}</td>
                  <td>{v.machineClasses.join(", ")}</td>
                  <td>{v.topic}</td>
                  <td>{v.recordedBy}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
