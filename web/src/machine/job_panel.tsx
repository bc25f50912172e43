// SPDX-License-Identifier: EUPL-1.2
// One job: its preflight report (every violation with its line), the start
// with the confirmations the machine needs, and then its live progress from
// WatchJob with pause, resume and cancel.
import { useEffect, useState } from "preact/hooks";
import { errorMessage, isAbort, jobs, reportIfSessionEnded } from "../api/client";
import { formatDuration } from "../common/lab_time";
import { jobStateName } from "../common/names";
import { StatusLine, type Status } from "../common/status";
import type { LabInfo } from "../gen/werkbank/v1/bookings_pb";
import { JobState, type Job, type JobProgress } from "../gen/werkbank/v1/jobs_pb";
import type { Machine } from "../gen/werkbank/v1/machines_pb";
import { t } from "../i18n/i18n";
import { confirmationsNeeded, InterlockConfirmations } from "./interlock_confirmations";

export function JobPanel(props: { jobId: bigint; initial: Job | null; machine: Machine; lab: LabInfo; onChange: () => void }) {
  const { jobId, machine } = props;
  const [job, setJob] = useState<Job | null>(props.initial);
  const [progress, setProgress] = useState<JobProgress | null>(null);
  const [confirmed, setConfirmed] = useState<Set<string>>(new Set());
  const [status, setStatus] = useState<Status>(null);
  const [watching, setWatching] = useState(0);

  useEffect(() => {
    if (!job) jobs.getJob({ id: jobId }).then(setJob, (e) => setStatus({ kind: "error", text: errorMessage(e) }));
  }, [jobId]);

  const live = job && (job.state === JobState.QUEUED || job.state === JobState.RUNNING || job.state === JobState.PAUSED);
  useEffect(() => {
    if (!live) return;
    const abort = new AbortController();
    (async () => {
      try {
        for await (const p of jobs.watchJob({ id: jobId }, { signal: abort.signal })) {
          setProgress(p);
          if (p.state !== JobState.RUNNING && p.state !== JobState.PAUSED && p.state !== JobState.QUEUED) props.onChange();
        }
      } catch (err) {
        if (!isAbort(err)) reportIfSessionEnded(err);
      }
    })();
    return () => abort.abort();
  }, [jobId, live, watching]);

  if (!job) return <StatusLine status={status} />;
  const report = job.preflight;
  const state = progress?.state ?? job.state;
  const needs = confirmationsNeeded(machine);

  const call = async (what: () => Promise<Job>) => {
    try {
      const j = await what();
      setJob(j);
      setWatching((n) => n + 1);
      setStatus(null);
      props.onChange();
    } catch (err) {
      setStatus({ kind: "error", text: errorMessage(err) });
    }
  };

  return (
    <div class="job">
      <h2>{t("job_title", { name: job.fileName })}</h2>
      <p>
        {t("job_state")}: <strong class="job-state">{jobStateName(state)}</strong>
        {progress?.message && <span> — {progress.message}</span>}
      </p>
      {report && (
        <div class={report.passed ? "preflight ok" : "preflight failed"}>
          <h3>{report.passed ? t("preflight_passed") : t("preflight_failed")}</h3>
          <p>
            {t("preflight_summary", { lines: String(report.lineCount), time: formatDuration(report.estimatedSeconds) })}
          </p>
          {report.violations.length > 0 && (
            <ul class="violations">
              {report.violations.map((v, i) => (
                <li key={i}>
                  <strong>{t("line_n", { n: v.line })}</strong> {v.rule}: {v.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {state === JobState.UPLOADED && report?.passed && (
        <form class="stack" onSubmit={(e) => { e.preventDefault(); call(() => jobs.startJob({ id: job.id, confirmedInterlocks: [...confirmed] })); }}>
          <InterlockConfirmations needs={needs} confirmed={confirmed} onChange={setConfirmed} />
          <button type="submit" class="primary">{t("start")}</button>
        </form>
      )}
      {progress && (
        <div class="progress">
          <progress max={100} value={progress.percent} aria-label={t("progress")} />
          <p aria-live="polite">
            <span class="percent">{Math.floor(progress.percent)} %</span> ·{" "}
            {t("lines_done", { done: String(progress.linesDone), total: String(progress.linesTotal) })} ·{" "}
            {t("time_left", { time: formatDuration(progress.remainingSeconds) })}
          </p>
        </div>
      )}
      <div class="actions">
        {state === JobState.RUNNING && <button type="button" onClick={() => call(() => jobs.pauseJob({ id: job.id }))}>{t("pause")}</button>}
        {state === JobState.PAUSED && <button type="button" onClick={() => call(() => jobs.resumeJob({ id: job.id }))}>{t("resume")}</button>}
        {(state === JobState.RUNNING || state === JobState.PAUSED || state === JobState.QUEUED) && (
          <button type="button" onClick={() => call(() => jobs.cancelJob({ id: job.id }))}>{t("cancel_job")}</button>
        )}
      </div>
      <StatusLine status={status} />
    </div>
  );
}
