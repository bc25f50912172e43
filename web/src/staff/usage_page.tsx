// SPDX-License-Identifier: EUPL-1.2
// Staff: the lab's use over the last months — machine hours per month,
// people per user group, first-time and returning, bookings per weekday and
// hour — as bar charts, and as CSV (aggregates, or per user from the daemon,
// which audits that export).
import { useEffect, useState } from "preact/hooks";
import { errorMessage, reports } from "../api/client";
import { downloadText } from "../common/download";
import { toTs } from "../common/lab_time";
import { dimensionName } from "../common/names";
import { StatusLine, type Status } from "../common/status";
import type { UsageRow } from "../gen/werkbank/v1/reports_pb";
import { t } from "../i18n/i18n";

const DAY_MS = 86_400_000;

export function UsagePage() {
  const [months, setMonths] = useState(12);
  const [rows, setRows] = useState<UsageRow[]>([]);
  const [status, setStatus] = useState<Status>(null);
  const range = () => ({ start: toTs(new Date(Date.now() - months * 30 * DAY_MS)), end: toTs(new Date(Date.now() + DAY_MS)) });

  useEffect(() => {
    reports.getUsageReport({ range: range() }).then((r) => setRows(r.rows), (e) => setStatus({ kind: "error", text: errorMessage(e) }));
  }, [months]);

  const byDimension = new Map<string, UsageRow[]>();
  for (const r of rows) byDimension.set(r.dimension, [...(byDimension.get(r.dimension) ?? []), r]);

  const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const aggregatesCsv = () =>
    downloadText(["dimension,key,value", ...rows.map((r) => [r.dimension, r.key, String(r.value)].map(csvCell).join(","))].join("\n") + "\n", "werkbank-impact.csv", "text/csv");
  const perUserCsv = async () => {
    try {
      downloadText((await reports.exportUserUsage({ range: range() })).csv, "werkbank-usage-per-user.csv", "text/csv");
    } catch (err) {
      setStatus({ kind: "error", text: errorMessage(err) });
    }
  };

  return (
    <section>
      <h1>{t("usage_title")}</h1>
      <div class="toolbar">
        <label>
          {t("period")}
          <select value={months} onChange={(e) => setMonths(Number((e.target as HTMLSelectElement).value))}>
            {[1, 3, 6, 12, 24].map((m) => <option key={m} value={m}>{t("last_months", { n: m })}</option>)}
          </select>
        </label>
        <button type="button" onClick={aggregatesCsv}>{t("download_csv")}</button>
        <button type="button" onClick={perUserCsv}>{t("download_user_csv")}</button>
      </div>
      <StatusLine status={status} />
      {rows.length === 0 && <p>{t("no_data")}</p>}
      {[...byDimension].map(([dimension, list]) => (
        <BarChart key={dimension} title={dimensionName(dimension)} rows={list} />
      ))}
    </section>
  );
}

// Horizontal bars drawn as SVG (attributes, not inline styles: the CSP allows
// no style attributes), with the numbers as text for screen readers.
function BarChart({ title, rows }: { title: string; rows: UsageRow[] }) {
  const max = Math.max(...rows.map((r) => r.value), 1);
  const sorted = [...rows].sort((a, b) => a.key.localeCompare(b.key));
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <table>
        <tbody>
          {sorted.map((r) => (
            <tr key={r.key}>
              <th scope="row">{r.key}</th>
              <td class="bar">
                <svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                  <rect width={(100 * r.value) / max} height="10" fill="#0b5394" />
                </svg>
              </td>
              <td>{Number.isInteger(r.value) ? r.value : r.value.toFixed(1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
