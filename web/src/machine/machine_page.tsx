// SPDX-License-Identifier: EUPL-1.2
// At the machine: unlock with the checked-in reservation, upload a program and
// read its preflight report, start it with the confirmations the machine
// needs, follow it, confirm presence, stop it, and lock the machine again.
import { useEffect, useState } from "preact/hooks";
import { errorMessage, machines } from "../api/client";
import { machineStateClass, machineStateName } from "../common/names";
import { StatusLine, type Status } from "../common/status";
import type { LabInfo } from "../gen/werkbank/v1/bookings_pb";
import type { Job } from "../gen/werkbank/v1/jobs_pb";
import { MachineState, type Machine } from "../gen/werkbank/v1/machines_pb";
import { t } from "../i18n/i18n";
import { EmergencyStopButton } from "./emergency_stop_button";
import { JobPanel } from "./job_panel";
import { PresenceButton } from "./presence_button";
import { UploadForm } from "./upload_form";

const POLL_MS = 2000;

export function MachinePage({ id, lab }: { id: string; lab: LabInfo }) {
  const [machine, setMachine] = useState<Machine | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  const [status, setStatus] = useState<Status>(null);

  const refresh = () => machines.getMachine({ id }).then(setMachine, (e) => setStatus({ kind: "error", text: errorMessage(e) }));
  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, POLL_MS);
    return () => clearInterval(timer);
  }, [id]);

  const act = async (call: () => Promise<Machine>, done: string) => {
    try {
      setMachine(await call());
      setStatus({ kind: "ok", text: done });
    } catch (err) {
      setStatus({ kind: "error", text: errorMessage(err) });
    }
  };

  if (!machine) return <section><h1>{id}</h1><StatusLine status={status} /></section>;
  const busy = machine.state === MachineState.RUNNING || machine.state === MachineState.PAUSED;
  const jobId = job?.id ?? (machine.jobId ? machine.jobId : undefined);

  return (
    <section>
      <h1>{machine.name}</h1>
      <p>
        <span class={machineStateClass(machine.state)}>{machineStateName(machine.state)}</span>
        {machine.faultReason && <span class="fault"> {machine.faultReason}</span>}
      </p>
      {busy && <EmergencyStopButton machine={machine} onStopped={(m, s) => { setMachine(m ?? machine); setStatus(s); }} />}
      {busy && <PresenceButton machine={machine} onStatus={setStatus} />}
      <div class="actions">
        {machine.state === MachineState.LOCKED && (
          <button type="button" class="primary" onClick={() => act(() => machines.unlock({ id }), t("unlocked"))}>{t("unlock")}</button>
        )}
        {machine.state === MachineState.UNLOCKED && (
          <button type="button" onClick={() => act(() => machines.lock({ id }), t("locked"))}>{t("lock")}</button>
        )}
      </div>
      <StatusLine status={status} />
      {machine.state === MachineState.UNLOCKED && (
        <UploadForm machine={machine} onUploaded={(j) => { setJob(j); setStatus(null); }} onError={(text) => setStatus({ kind: "error", text })} />
      )}
      {jobId !== undefined && (
        <JobPanel key={String(jobId)} jobId={jobId} initial={job?.id === jobId ? job : null} machine={machine} lab={lab} onChange={refresh} />
      )}
    </section>
  );
}
