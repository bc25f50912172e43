// SPDX-License-Identifier: EUPL-1.2
// Staff: the yearly impact report for funders (GetImpactReport): people per
// group type, age band and month, first-time share, workshops and topics,
// machine hours by purpose, qualifications granted — tables with bar charts
// and a CSV per table. Only aggregates; small cells arrive suppressed.
import { useEffect, useState } from "preact/hooks";
import { errorMessage, reports } from "../api/client";
import { formatDateTime, toDate } from "../common/lab_time";
import { groupTypeName } from "../common/names";
import { StatusLine, type Status } from "../common/status";
import type { ImpactReport } from "../gen/werkbank/v1/reports_pb";
import { t } from "../i18n/i18n";
import { HIDDEN_MARK } from "./impact_cells";
import { ImpactTableView } from "./impact_table";

export function ImpactPage() {
  const thisYear = new Date().getFullYear();
  const [year, setYear] = useState(thisYear);
  const [report, setReport] = useState<ImpactReport | null>(null);
  const [status, setStatus] = useState<Status>(null);

  useEffect(() => {
    setReport(null);
    reports.getImpactReport({ period: { case: "year", value: year } }).then(setReport, (e) => setStatus({ kind: "error", text: errorMessage(e) }));
  }, [year]);

  const firstTime = report?.tables.find((tb) => tb.name === "first_time");
  const cell = (key: string) => firstTime?.rows.find((r) => r.key === key)?.cells[0];
  const first = cell("first_visit");
  const total = cell("total");
  // Only from figures that are shown; a hidden one stays hidden.
  const share = first && total && !first.suppressed && !total.suppressed && total.value > 0 ? Math.round((100 * first.value) / total.value) : null;

  return (
    <section class="impact">
      <h1>{t("impact_title")}</h1>
      <div class="toolbar">
        <label>
          {t("year")}
          <select value={year} onChange={(e) => setYear(Number((e.target as HTMLSelectElement).value))}>
            {[0, 1, 2, 3].map((n) => <option key={n} value={thisYear - n}>{thisYear - n}</option>)}
          </select>
        </label>
      </div>
      <StatusLine status={status} />
      {!report ? (
        <p>{t("loading")}</p>
      ) : (
        <>
          <p class="hint">{t("impact_suppression_note", { min: report.minGroupSize, mark: HIDDEN_MARK })}</p>
          <p class="first-share">{share === null ? t("first_time_share_hidden") : t("first_time_share", { share })}</p>
          {report.tables.map((tb) => <ImpactTableView key={tb.name} table={tb} year={year} />)}
          <section>
            <h2>{t("workshops_held")}</h2>
            {report.workshops.length === 0 ? (
              <p>{t("no_workshops")}</p>
            ) : (
              <ul class="plain">
                {report.workshops.map((w, i) => (
                  <li key={i}>
                    {formatDateTime(toDate(w.start), report.timeZone)} · {groupTypeName(w.groupType)} · {w.topic || t("no_topic")}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </section>
  );
}
