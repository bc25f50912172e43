// SPDX-License-Identifier: EUPL-1.2
// Staff: the audit log a page at a time, and verifying its hash chain.
import { useEffect, useState } from "preact/hooks";
import { audit, errorMessage } from "../api/client";
import { formatDateTime, toDate } from "../common/lab_time";
import { StatusLine, type Status } from "../common/status";
import type { AuditEvent } from "../gen/werkbank/v1/audit_pb";
import type { LabInfo } from "../gen/werkbank/v1/bookings_pb";
import { t } from "../i18n/i18n";

const PAGE = 50;

export function AuditPage({ lab }: { lab: LabInfo }) {
  const [starts, setStarts] = useState<bigint[]>([0n]);
  const [events, setEvents] = useState<AuditEvent[]>([]);
  const [status, setStatus] = useState<Status>(null);
  const after = starts[starts.length - 1];

  useEffect(() => {
    audit.listAuditEvents({ afterId: after, limit: PAGE }).then((r) => setEvents(r.events), (e) => setStatus({ kind: "error", text: errorMessage(e) }));
  }, [after]);

  const verify = async () => {
    try {
      const r = await audit.verifyAuditChain({});
      setStatus(
        r.ok
          ? { kind: "ok", text: t("audit_ok", { n: String(r.eventsChecked) }) }
          : { kind: "error", text: t("audit_broken", { id: String(r.firstBrokenId), problem: r.problem }) },
      );
    } catch (err) {
      setStatus({ kind: "error", text: errorMessage(err) });
    }
  };

  return (
    <section>
      <h1>{t("audit_title")}</h1>
      <div class="toolbar">
        <button type="button" onClick={verify}>{t("audit_verify")}</button>
        <button type="button" disabled={starts.length === 1} onClick={() => setStarts(starts.slice(0, -1))}>{t("earlier")}</button>
        <button type="button" disabled={events.length < PAGE} onClick={() => setStarts([...starts, events[events.length - 1].id])}>{t("later")}</button>
      </div>
      <StatusLine status={status} />
      <div class="scroll" tabIndex={0} role="region" aria-label={t("audit_title")}>
      <table>
        <thead>
          <tr><th>#</th><th>{t("time")}</th><th>{t("actor")}</th><th>{t("action")}</th><th>{t("subject")}</th><th>{t("detail")}</th></tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={String(e.id)}>
              <td>{String(e.id)}</td>
              <td>{formatDateTime(toDate(e.at), lab.timeZone)}</td>
              <td>{e.actor}</td>
              <td>{e.action}</td>
              <td>{e.subject}</td>
              <td>{e.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </section>
  );
}
