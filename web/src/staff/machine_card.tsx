// SPDX-License-Identifier: EUPL-1.2
// One machine on the staff dashboard: state, job, progress and time left,
// temperatures, interlocks, fault; stop, acknowledge, block and unblock.
import { errorMessage, machines } from "../api/client";
import { formatDuration } from "../common/lab_time";
import { interlockName, jobStateName, machineStateClass, machineStateName } from "../common/names";
import type { Status } from "../common/status";
import type { LabInfo } from "../gen/werkbank/v1/bookings_pb";
import type { JobProgress } from "../gen/werkbank/v1/jobs_pb";
import { MachineState, type Machine } from "../gen/werkbank/v1/machines_pb";
import { t } from "../i18n/i18n";
import { EmergencyStopButton } from "../machine/emergency_stop_button";

export function MachineCard(props: { machine: Machine; progress?: JobProgress; lab: LabInfo; onStatus: (s: Status) => void }) {
  const { machine: m, progress: p, onStatus } = props;
  const act = async (call: () => Promise<unknown>, done: string) => {
    try {
      await call();
      onStatus({ kind: "ok", text: done });
    } catch (err) {
      onStatus({ kind: "error", text: errorMessage(err) });
    }
  };
  const block = () => {
    const reason = prompt(t("block_reason"));
    if (reason !== null) act(() => machines.block({ id: m.id, reason }), t("blocked_done", { machine: m.name }));
  };
  const headingId = `machine-${m.id}`;
  return (
    <li class="card machine-card" aria-labelledby={headingId} data-machine={m.id}>
      <h2 id={headingId}>{m.name}</h2>
      <p>
        <span class={machineStateClass(m.state)}>{machineStateName(m.state)}</span>
        {m.unlockedBy && <span class="muted"> {t("unlocked_by", { who: m.unlockedBy })}</span>}
      </p>
      {m.faultReason && <p class="fault">{m.faultReason}</p>}
      {p && (
        <div class="progress">
          <p>{t("job_n", { id: String(p.jobId) })}: {jobStateName(p.state)}</p>
          <progress max={100} value={p.percent} aria-label={t("progress_of", { machine: m.name })} />
          <p>
            <span class="percent">{Math.floor(p.percent)} %</span> · {t("time_left", { time: formatDuration(p.remainingSeconds) })}
          </p>
        </div>
      )}
      {m.temperatures.length > 0 && (
        <ul class="plain temps">
          {m.temperatures.map((h) => (
            <li key={h.heater}>{t("temperature", { heater: h.heater, current: h.currentC.toFixed(0), target: h.targetC.toFixed(0) })}</li>
          ))}
        </ul>
      )}
      {m.interlocks.length > 0 && (
        <ul class="plain interlocks">
          {m.interlocks.map((i) => (
            <li key={i.kind} class={i.satisfied ? "ok" : "bad"}>
              {i.satisfied ? "✓" : "✗"} {interlockName(i.kind)}{i.detail && ` — ${i.detail}`}
            </li>
          ))}
        </ul>
      )}
      <div class="actions">
        <EmergencyStopButton machine={m} compact onStopped={(_, s) => onStatus(s)} />
        {m.state === MachineState.FAULT && (
          <button type="button" onClick={() => act(() => machines.acknowledgeFault({ id: m.id }), t("acknowledged", { machine: m.name }))}>
            {t("acknowledge")}
          </button>
        )}
        {m.state === MachineState.BLOCKED ? (
          <button type="button" onClick={() => act(() => machines.unblock({ id: m.id }), t("unblocked_done", { machine: m.name }))}>{t("unblock")}</button>
        ) : (
          <button type="button" onClick={block}>{t("block")}</button>
        )}
      </div>
    </li>
  );
}
