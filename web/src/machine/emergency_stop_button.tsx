// SPDX-License-Identifier: EUPL-1.2
// The emergency stop: one click sends EmergencyStop at once, nothing is asked
// first. Shown whenever a job runs or is paused.
import { useState } from "preact/hooks";
import { errorMessage, machines } from "../api/client";
import type { Status } from "../common/status";
import type { Machine } from "../gen/werkbank/v1/machines_pb";
import { t } from "../i18n/i18n";

export function EmergencyStopButton(props: { machine: Machine; onStopped: (m: Machine | null, s: Status) => void; compact?: boolean }) {
  const { machine, onStopped } = props;
  const [sending, setSending] = useState(false);
  const stop = async () => {
    setSending(true);
    try {
      const m = await machines.emergencyStop({ id: machine.id, reason: new TextEncoder().encode("emergency stop from the web app") });
      onStopped(m, { kind: "ok", text: t("stopped", { machine: machine.name }) });
    } catch (err) {
      onStopped(null, { kind: "error", text: errorMessage(err) });
    } finally {
      setSending(false);
    }
  };
  return (
    <button type="button" class={props.compact ? "estop compact" : "estop"} onClick={stop} aria-busy={sending}>
      {t("emergency_stop")}
      <span class="sr-only"> {machine.name}</span>
    </button>
  );
}
