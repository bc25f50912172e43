// SPDX-License-Identifier: EUPL-1.2
// Cuts the daemon's free time ranges into bookable slots on the class's slot
// grid and groups them by lab day.
import { formatDay, startOfLabDay } from "../common/lab_time";

export interface Slot {
  start: Date;
  end: Date;
}
export interface SlotDay {
  label: string;
  slots: Slot[];
}

export function slotsOf(free: { start: Date; end: Date }[], slotMinutes: number, notBefore: Date): Slot[] {
  const step = Math.max(1, slotMinutes) * 60_000;
  const out: Slot[] = [];
  for (const r of free) {
    let s = Math.ceil(r.start.getTime() / step) * step;
    for (; s + step <= r.end.getTime(); s += step) {
      if (s + step <= notBefore.getTime()) continue;
      out.push({ start: new Date(s), end: new Date(s + step) });
    }
  }
  return out;
}

export function groupByDay(slots: Slot[], zone: string): SlotDay[] {
  const days = new Map<number, SlotDay>();
  for (const s of slots) {
    const key = startOfLabDay(s.start, zone).getTime();
    if (!days.has(key)) days.set(key, { label: formatDay(s.start, zone), slots: [] });
    days.get(key)!.slots.push(s);
  }
  return [...days.values()];
}
