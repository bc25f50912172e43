// SPDX-License-Identifier: EUPL-1.2
// Lab time: every time is shown in the lab's time zone, whatever the
// browser's zone is. A local time that occurs twice (the hour the clocks go
// back) is shown with its UTC offset, so 02:30 +02:00 and 02:30 +01:00 differ.
import { timestampDate, timestampFromDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import { locale } from "../i18n/i18n";

const HOUR_MS = 3600_000;

function parts(d: Date, zone: string): Record<string, number> {
  const fmt = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  });
  const out: Record<string, number> = {};
  for (const p of fmt.formatToParts(d)) if (p.type !== "literal") out[p.type] = Number(p.value);
  return out;
}

// Offset of `zone` from UTC at instant `d`, in milliseconds.
export function zoneOffsetMs(d: Date, zone: string): number {
  const p = parts(d, zone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(d.getTime() / 1000) * 1000;
}

// The instant of local midnight starting the lab day that contains `d`.
export function startOfLabDay(d: Date, zone: string): Date {
  const p = parts(d, zone);
  return labLocalToUtc(p.year, p.month, p.day, 0, 0, zone);
}

// The first instant whose wall time in `zone` is y-m-d h:min (the earlier one
// when it occurs twice; the next valid one when it does not occur).
export function labLocalToUtc(y: number, m: number, d: number, h: number, min: number, zone: string): Date {
  const wall = Date.UTC(y, m - 1, d, h, min);
  const candidates = [wall - zoneOffsetMs(new Date(wall - 14 * HOUR_MS), zone), wall - zoneOffsetMs(new Date(wall + 14 * HOUR_MS), zone)];
  candidates.sort((a, b) => a - b);
  for (const c of candidates) if (c + zoneOffsetMs(new Date(c), zone) === wall) return new Date(c);
  return new Date(candidates[1]);
}

export function addLabDays(day: Date, n: number, zone: string): Date {
  const p = parts(new Date(day.getTime() + 12 * HOUR_MS), zone);
  const next = new Date(Date.UTC(p.year, p.month - 1, p.day + n));
  return labLocalToUtc(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, 0, zone);
}

// True when the wall time of `d` also occurs an hour earlier or later.
export function isAmbiguous(d: Date, zone: string): boolean {
  const off = zoneOffsetMs(d, zone);
  const other = [d.getTime() - HOUR_MS, d.getTime() + HOUR_MS].map((t) => new Date(t));
  return other.some((o) => o.getTime() + zoneOffsetMs(o, zone) === d.getTime() + off);
}

export function formatTime(d: Date, zone: string): string {
  const text = new Intl.DateTimeFormat(locale(), { timeZone: zone, hour: "2-digit", minute: "2-digit" }).format(d);
  return isAmbiguous(d, zone) ? `${text} ${formatOffset(zoneOffsetMs(d, zone))}` : text;
}

export function formatDay(d: Date, zone: string): string {
  return new Intl.DateTimeFormat(locale(), { timeZone: zone, weekday: "short", day: "numeric", month: "short" }).format(d);
}

// A calendar month (1-12) by its short name, e.g. "Mär".
export function formatMonth(year: number, month: number): string {
  return new Intl.DateTimeFormat(locale(), { month: "short", timeZone: "UTC" }).format(new Date(Date.UTC(year, month - 1, 15)));
}

export function formatDateTime(d: Date, zone: string): string {
  return `${formatDay(d, zone)} ${formatTime(d, zone)}`;
}

export function formatOffset(ms: number): string {
  const sign = ms < 0 ? "-" : "+";
  const min = Math.abs(ms) / 60000;
  return `${sign}${String(Math.floor(min / 60)).padStart(2, "0")}:${String(min % 60).padStart(2, "0")}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${String(sec).padStart(2, "0")}` : `${m}:${String(sec).padStart(2, "0")}`;
}

export const toDate = (ts: Timestamp | undefined): Date => (ts ? timestampDate(ts) : new Date(0));
export const toTs = (d: Date): Timestamp => timestampFromDate(d);
