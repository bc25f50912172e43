// SPDX-License-Identifier: EUPL-1.2
// How the impact report's figures read, on screen and in CSV. A suppressed
// cell carries no value: it shows as "<min" (too few people) or "–" (hidden
// so that a small one cannot be worked out from the totals); nothing hidden
// is ever worked out here.
import type { ImpactCell, ImpactTable } from "../gen/werkbank/v1/reports_pb";

export const SECONDARY_MARK = "–";

export function cellText(c: ImpactCell | undefined, minGroupSize: number): string {
  if (!c) return "";
  if (c.suppressed) return c.secondary ? SECONDARY_MARK : `<${minGroupSize}`;
  return Number.isInteger(c.value) ? String(c.value) : c.value.toFixed(1);
}

const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

// One table as CSV with the API's keys, suppressed cells as on screen.
export function tableCsv(table: ImpactTable, minGroupSize: number): string {
  const lines = [["", ...table.columns], ...table.rows.map((r) => [r.key, ...r.cells.map((c) => cellText(c, minGroupSize))])];
  return lines.map((l) => l.map(csvCell).join(",")).join("\n") + "\n";
}
