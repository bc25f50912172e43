// SPDX-License-Identifier: EUPL-1.2
// The daemon validates a visit and says what is wrong in one sentence; this
// finds the form field that sentence is about, so it is shown right there.
export type VisitField = "start" | "duration" | "group" | "classes" | "head_count" | "age" | "gender" | "first_timers" | "topic";

const patterns: [RegExp, VisitField][] = [
  [/age bands/i, "age"],
  [/gender/i, "gender"],
  [/first-timers/i, "first_timers"],
  [/head-count/i, "head_count"],
  [/group type/i, "group"],
  [/machine class/i, "classes"],
  [/duration/i, "duration"],
  [/topic/i, "topic"],
  [/start/i, "start"],
];

// The field the message is about, or null for the form as a whole.
export function fieldOf(message: string): VisitField | null {
  for (const [re, field] of patterns) if (re.test(message)) return field;
  return null;
}
