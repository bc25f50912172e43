// SPDX-License-Identifier: EUPL-1.2
// One table of the impact report: the figures as the daemon sent them, a bar
// chart of its last column (drawn as SVG attributes: the CSP allows no
// inline styles), and its CSV download.
import { downloadText } from "../common/download";
import { impactKeyName, impactTableName } from "../common/names";
import type { ImpactTable } from "../gen/werkbank/v1/reports_pb";
import { t } from "../i18n/i18n";
import { cellText, tableCsv } from "./impact_cells";

export function ImpactTableView({ table, year }: { table: ImpactTable; year: number }) {
  const title = impactTableName(table.name);
  const last = table.columns.length - 1;
  const bars = table.rows.filter((r) => r.key !== "total");
  const max = Math.max(1, ...bars.map((r) => (r.cells[last]?.suppressed ? 0 : (r.cells[last]?.value ?? 0))));
  return (
    <section class="impact-table" data-table={table.name}>
      <h2>{title}</h2>
      <div class="scroll" tabIndex={0} role="region" aria-label={title}>
        <table>
          <thead>
            <tr>
              <th><span class="sr-only">{t("row")}</span></th>
              {table.columns.map((c) => <th key={c} scope="col">{impactKeyName(c)}</th>)}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((r) => (
              <tr key={r.key} data-row={r.key} class={r.key === "total" ? "total" : ""}>
                <th scope="row">{impactKeyName(r.key)}</th>
                {r.cells.map((c, i) => <td key={i} class={c.suppressed ? "suppressed" : ""}>{cellText(c)}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <figure class="chart" aria-hidden="true">
        <svg viewBox={`0 0 300 ${bars.length * 16}`} width="100%" role="presentation">
          {bars.map((r, i) => {
            const c = r.cells[last];
            const width = c && !c.suppressed ? (200 * c.value) / max : 0;
            return (
              <g key={r.key} transform={`translate(0 ${i * 16})`}>
                <text x="0" y="11" font-size="9" fill="#1a1a1a">{impactKeyName(r.key)}</text>
                <rect x="90" y="2" width={width} height="11" fill="#0b5394" />
                <text x={94 + width} y="11" font-size="9" fill="#1a1a1a">{cellText(c)}</text>
              </g>
            );
          })}
        </svg>
      </figure>
      <button type="button" onClick={() => downloadText(tableCsv(table), `werkbank-impact-${year}-${table.name}.csv`, "text/csv")}>
        {t("download_table_csv", { table: title })}
      </button>
    </section>
  );
}
