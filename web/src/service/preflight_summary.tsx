// SPDX-License-Identifier: EUPL-1.2
// A print request's preflight in short: passed or not, lines and time, and
// each problem with its line.
import { formatDuration } from "../common/lab_time";
import type { PreflightReport } from "../gen/werkbank/v1/jobs_pb";
import { t } from "../i18n/i18n";

export function PreflightSummary({ report }: { report: PreflightReport | undefined }) {
  if (!report) return null;
  return (
    <div class={report.passed ? "preflight ok" : "preflight failed"}>
      <strong>{report.passed ? t("preflight_passed") : t("preflight_failed")}</strong>{" "}
      {t("preflight_summary", { lines: String(report.lineCount), time: formatDuration(report.estimatedSeconds) })}
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
  );
}
