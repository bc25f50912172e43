// SPDX-License-Identifier: EUPL-1.2
// How the impact report's figures read, on screen and in CSV. A suppressed
// cell carries no value and shows as "×", whether it counts too few people
// or hides one from which such a figure could be worked out: a reader who
// could tell the two apart could pin a small one. Nothing hidden is ever
// worked out here.
import type { ImpactCell, ImpactTable } from "../gen/werkbank/v1/reports_pb";

export const HIDDEN_MARK = "×";

export function cellText(c: ImpactCell | undefined): string {
  if (!c) return "";
  if (c.suppressed) return HIDDEN_MARK;
  return Number.isInteger(c.value) ? String(c.value) : c.value.toFixed(1);
}

const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

// One table as CSV with the API's keys, suppressed cells as on screen.
export function tableCsv(table: ImpactTable): string {
  const lines = [["", ...table.columns], ...table.rows.map((r) => [r.key, ...r.cells.map((c) => cellText(c))])];
  return lines.map((l) => l.map(csvCell).join(",")).join("\n") + "\n";
}
