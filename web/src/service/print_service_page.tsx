// SPDX-License-Identifier: EUPL-1.2
// The print service for everyone: ask the lab to print a file on a machine
// class (no briefing needed), and follow one's own requests: waiting,
// printing, done, or declined with the lab's reason.
import { useEffect, useRef, useState } from "preact/hooks";
import { errorMessage, printService } from "../api/client";
import { submitServiceRequest } from "../api/upload";
import { formatDateTime, toDate } from "../common/lab_time";
import { serviceStateName } from "../common/names";
import { StatusLine, type Status } from "../common/status";
import type { LabInfo } from "../gen/werkbank/v1/bookings_pb";
import { ServiceRequestState, type ServiceRequest } from "../gen/werkbank/v1/service_requests_pb";
import { t } from "../i18n/i18n";
import { PreflightSummary } from "./preflight_summary";

export function PrintServicePage({ lab }: { lab: LabInfo }) {
  const [machineClass, setMachineClass] = useState(lab.classes[0]?.name ?? "");
  const [note, setNote] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [mine, setMine] = useState<ServiceRequest[]>([]);
  const [status, setStatus] = useState<Status>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const className = (name: string) => lab.classes.find((c) => c.name === name)?.displayName || name;

  const load = () =>
    printService.listServiceRequests({ mine: true }).then(
      (r) => setMine(r.requests),
      (e) => setStatus({ kind: "error", text: errorMessage(e) }),
    );
  useEffect(() => {
    load();
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    try {
      const r = await submitServiceRequest(machineClass, file, note);
      setStatus({ kind: "ok", text: t("service_submitted", { id: String(r.id) }) });
      setNote("");
      setFile(null);
      // The field shows no file once it is sent, as the button says.
      if (fileInput.current) fileInput.current.value = "";
      await load();
    } catch (err) {
      setStatus({ kind: "error", text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  const withdraw = async (r: ServiceRequest) => {
    try {
      await printService.withdrawServiceRequest({ id: r.id });
      setStatus({ kind: "ok", text: t("service_withdrawn_ok", { file: r.fileName }) });
      await load();
    } catch (err) {
      setStatus({ kind: "error", text: errorMessage(err) });
    }
  };

  return (
    <section>
      <h1>{t("service_title")}</h1>
      <p>{t("service_intro")}</p>
      <form class="stack" onSubmit={submit}>
        <label>
          {t("machine_class")}
          <select value={machineClass} onChange={(e) => setMachineClass((e.target as HTMLSelectElement).value)}>
            {lab.classes.map((c) => (
              <option key={c.name} value={c.name}>{c.displayName || c.name}</option>
            ))}
          </select>
        </label>
        <label>
          {t("service_file")}
          <input
            ref={fileInput}
            type="file"
            accept=".gcode,.gc,.nc,.ngc,.g,text/plain"
            onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)}
          />
        </label>
        <label>
          {t("service_note")}
          <textarea value={note} maxLength={1000} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
        </label>
        <button type="submit" class="primary" disabled={!file || busy}>{t("service_submit")}</button>
      </form>
      <StatusLine status={status} takeFocus />
      <h2>{t("service_mine")}</h2>
      {mine.length === 0 ? (
        <p>{t("service_none")}</p>
      ) : (
        <ul class="service-requests">
          {mine.map((r) => (
            <li key={String(r.id)}>
              <strong>{r.fileName}</strong> ({className(r.machineClass)}) — <span class="service-state">{serviceStateName(r.state)}</span>
              {" · "}
              {r.createdAt && formatDateTime(toDate(r.createdAt), lab.timeZone)}
              {r.state === ServiceRequestState.DECLINED && (
                <p class="decline-reason">{t("service_declined_because", { reason: r.declineReason })}</p>
              )}
              {r.jobEndReason && r.state === ServiceRequestState.FAILED && <p>{r.jobEndReason}</p>}
              {r.state === ServiceRequestState.WAITING && (
                <button type="button" onClick={() => withdraw(r)} aria-label={t("service_withdraw_which", { file: r.fileName })}>
                  {t("service_withdraw")}
                </button>
              )}
              <PreflightSummary report={r.preflight} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
