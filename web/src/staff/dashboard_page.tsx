// SPDX-License-Identifier: EUPL-1.2
// The live lab for staff: every machine as a card, updated from WatchLab
// without reloading. When the stream ends the page asks whether the session
// still holds: if not, the app shows the login; if so, it reconnects.
import { useEffect, useState } from "preact/hooks";
import { accounts, isAbort, monitor, reportIfSessionEnded } from "../api/client";
import { StatusLine, type Status } from "../common/status";
import type { LabInfo } from "../gen/werkbank/v1/bookings_pb";
import type { LabSnapshot } from "../gen/werkbank/v1/monitor_pb";
import { t } from "../i18n/i18n";
import { MachineCard } from "./machine_card";

const RECONNECT_MS = 1000;

export function DashboardPage({ lab }: { lab: LabInfo }) {
  const [snapshot, setSnapshot] = useState<LabSnapshot | null>(null);
  const [connected, setConnected] = useState(false);
  const [status, setStatus] = useState<Status>(null);

  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const watch = async () => {
      try {
        for await (const snap of monitor.watchLab({ minIntervalMs: 100 }, { signal: abort.signal })) {
          setConnected(true);
          setSnapshot(snap);
        }
      } catch (err) {
        if (isAbort(err)) return;
        reportIfSessionEnded(err);
      }
      setConnected(false);
      if (abort.signal.aborted) return;
      // The stream ended: a revoked session answers unauthenticated here.
      try {
        await accounts.whoAmI({}, { signal: abort.signal });
        timer = setTimeout(watch, RECONNECT_MS);
      } catch {
        /* the session listener has shown the login */
      }
    };
    watch();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, []);

  const onStatus = (s: Status) => setStatus(s);

  return (
    <section>
      <h1>{t("dashboard_title")}</h1>
      <p class={connected ? "live on" : "live off"} role="status">{connected ? t("live") : t("connecting")}</p>
      <StatusLine status={status} />
      <ul class="dashboard">
        {(snapshot?.machines ?? []).map((m) => (
          <MachineCard
            key={m.id}
            machine={m}
            progress={snapshot?.jobs.find((j) => j.jobId === m.jobId && m.jobId !== 0n)}
            lab={lab}
            onStatus={onStatus}
          />
        ))}
      </ul>
    </section>
  );
}
