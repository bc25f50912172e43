// SPDX-License-Identifier: EUPL-1.2
// The print service queue for trainers and staff: each waiting request with
// its note and preflight; start it on a free machine of its class that you
// unlocked (with the confirmations the machine needs), or decline it with a
// reason the person who asked will read.
import { useEffect, useState } from "preact/hooks";
import { errorMessage, machines, printService } from "../api/client";
import { formatDateTime, toDate } from "../common/lab_time";
import { machineStateName } from "../common/names";
import { StatusLine, type Status } from "../common/status";
import type { LabInfo } from "../gen/werkbank/v1/bookings_pb";
import { MachineState, type Machine } from "../gen/werkbank/v1/machines_pb";
import { ServiceRequestState, type ServiceRequest } from "../gen/werkbank/v1/service_requests_pb";
import { t } from "../i18n/i18n";
import { confirmationsNeeded, InterlockConfirmations } from "../machine/interlock_confirmations";
import { PreflightSummary } from "./preflight_summary";

export function ServiceQueuePage({ lab }: { lab: LabInfo }) {
  const [queue, setQueue] = useState<ServiceRequest[]>([]);
  const [all, setAll] = useState<Machine[]>([]);
  const [status, setStatus] = useState<Status>(null);

  const load = () =>
    Promise.all([
      printService.listServiceRequests({ state: ServiceRequestState.WAITING }),
      machines.listMachines({}),
    ]).then(
      ([q, m]) => {
        setQueue(q.requests);
        setAll(m.machines);
      },
      (e) => setStatus({ kind: "error", text: errorMessage(e) }),
    );
  useEffect(() => {
    load();
  }, []);

  const done = async (what: () => Promise<ServiceRequest>, ok: (r: ServiceRequest) => string) => {
    try {
      const r = await what();
      setStatus({ kind: "ok", text: ok(r) });
      await load();
    } catch (err) {
      setStatus({ kind: "error", text: errorMessage(err) });
    }
  };

  return (
    <section>
      <h1>{t("service_queue_title")}</h1>
      <StatusLine status={status} takeFocus />
      {queue.length === 0 && <p>{t("service_queue_empty")}</p>}
      <ul class="service-queue">
        {queue.map((r) => (
          <QueueEntry
            key={String(r.id)}
            request={r}
            lab={lab}
            machines={all.filter((m) => m.machineClass === r.machineClass)}
            onStart={(machineId, confirmed) =>
              done(
                () => printService.startServiceRequest({ id: r.id, machineId, confirmedInterlocks: confirmed }),
                (s) => t("service_started_on", { machine: s.machineId, job: String(s.jobId) }),
              )
            }
            onDecline={(reason) =>
              done(
                () => printService.declineServiceRequest({ id: r.id, reason }),
                (s) => t("service_declined_for", { file: s.fileName, login: s.submitterLogin }),
              )
            }
          />
        ))}
      </ul>
    </section>
  );
}

function QueueEntry(props: {
  request: ServiceRequest;
  lab: LabInfo;
  machines: Machine[];
  onStart: (machineId: string, confirmed: string[]) => void;
  onDecline: (reason: string) => void;
}) {
  const { request: r, machines: ofClass } = props;
  const free = ofClass.filter((m) => m.state === MachineState.UNLOCKED);
  const [machineId, setMachineId] = useState(free[0]?.id ?? ofClass[0]?.id ?? "");
  const [confirmed, setConfirmed] = useState<Set<string>>(new Set());
  const [reason, setReason] = useState("");
  const machine = ofClass.find((m) => m.id === machineId);
  const needs = confirmationsNeeded(machine);
  const headingId = `service-request-${r.id}`;

  // Every entry has the same fields and buttons: the group gives them the
  // request's name, so a screen reader says which one a field belongs to.
  return (
    <li>
      <div role="group" aria-labelledby={headingId}>
        <h2 id={headingId}>
          {r.fileName} — {r.submitterLogin} ({props.lab.classes.find((c) => c.name === r.machineClass)?.displayName || r.machineClass})
        </h2>
        <p>
          {r.createdAt && formatDateTime(toDate(r.createdAt), props.lab.timeZone)}
          {r.note && <span class="service-note"> · {r.note}</span>}
        </p>
        <PreflightSummary report={r.preflight} />
        <form class="stack" onSubmit={(e) => { e.preventDefault(); props.onStart(machineId, [...confirmed]); }}>
          <label>
            {t("service_machine")}
            <select value={machineId} onChange={(e) => setMachineId((e.target as HTMLSelectElement).value)}>
              {ofClass.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.id} — {machineStateName(m.state)}
                </option>
              ))}
            </select>
          </label>
          <InterlockConfirmations needs={needs} confirmed={confirmed} onChange={setConfirmed} />
          <button type="submit" class="primary" disabled={!machineId || !r.preflight?.passed}>{t("service_start")}</button>
        </form>
        <form class="stack" onSubmit={(e) => { e.preventDefault(); props.onDecline(reason); }}>
          <label>
            {t("service_decline_reason")}
            <input type="text" value={reason} maxLength={500} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
          </label>
          <button type="submit" disabled={!reason.trim()}>{t("service_decline")}</button>
        </form>
      </div>
    </li>
  );
}
