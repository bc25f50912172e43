// SPDX-License-Identifier: EUPL-1.2
// The lab at a glance: opening hours, every machine with its state (a link to
// its page), and the user's qualifications with when they expire.
import { useEffect, useState } from "preact/hooks";
import { errorMessage, machines, trainings } from "../api/client";
import { formatDateTime, toDate } from "../common/lab_time";
import { machineStateClass, machineStateName } from "../common/names";
import { StatusLine, type Status } from "../common/status";
import type { User } from "../gen/werkbank/v1/accounts_pb";
import type { LabInfo } from "../gen/werkbank/v1/bookings_pb";
import type { Machine } from "../gen/werkbank/v1/machines_pb";
import type { Qualification } from "../gen/werkbank/v1/trainings_pb";
import { t } from "../i18n/i18n";

export function LabPage({ lab, user }: { lab: LabInfo; user: User }) {
  const [list, setList] = useState<Machine[]>([]);
  const [quals, setQuals] = useState<Qualification[]>([]);
  const [status, setStatus] = useState<Status>(null);

  useEffect(() => {
    machines.listMachines({}).then((r) => setList(r.machines), (e) => setStatus({ kind: "error", text: errorMessage(e) }));
    trainings.listQualifications({ login: user.login }).then((r) => setQuals(r.qualifications), () => undefined);
  }, [user.login]);

  const className = (name: string) => lab.classes.find((c) => c.name === name)?.displayName || name;

  return (
    <section>
      <h1>{lab.labName}</h1>
      <h2>{t("opening_hours")}</h2>
      <ul class="plain">
        {lab.openingHours.map((h) => (
          <li key={h}>{h}</li>
        ))}
      </ul>
      <p class="hint">{t("lab_time_zone", { zone: lab.timeZone })}</p>
      <h2>{t("machines")}</h2>
      <ul class="cards">
        {list.map((m) => (
          <li key={m.id} class="card">
            <a href={`#/machine/${encodeURIComponent(m.id)}`}>{m.name}</a>
            <span class="muted"> {className(m.machineClass)}</span>
            <span class={machineStateClass(m.state)}>{machineStateName(m.state)}</span>
          </li>
        ))}
      </ul>
      <h2>{t("my_qualifications")}</h2>
      {quals.length === 0 ? (
        <p>{t("no_qualifications")}</p>
      ) : (
        <ul class="plain">
          {quals.map((q) => (
            <li key={String(q.id)}>
              {className(q.machineClass)} — {t("valid_until", { date: formatDateTime(toDate(q.expiresAt), lab.timeZone) })}
            </li>
          ))}
        </ul>
      )}
      <StatusLine status={status} />
    </section>
  );
}
