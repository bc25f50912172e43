// SPDX-License-Identifier: EUPL-1.2
// Trainers record a group's visit: when, how long, the machine classes used,
// the group type, the head-count by age band (and by gender, if recorded),
// first-timers and a topic. Nobody is named. The daemon checks the figures;
// its message is shown at the field it is about.
import { useEffect, useRef, useState } from "preact/hooks";
import { errorMessage, visits } from "../api/client";
import { labLocalToUtc, toTs } from "../common/lab_time";
import { ageBandFields, genderFields, groupTypeName } from "../common/names";
import { StatusLine, type Status } from "../common/status";
import type { LabInfo } from "../gen/werkbank/v1/bookings_pb";
import { t, type Key } from "../i18n/i18n";
import { fieldOf, type VisitField } from "./field_errors";

const ageBands = Object.entries(ageBandFields);
const genders = Object.entries(genderFields);

export const labToday = (zone: string) => new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());

const count = (s: string | undefined) => (s ? Number(s) : 0);
// Counts left empty: the group is sent without them (the daemon's default).
const counts = (fields: [string, Key][], values: Record<string, string>) =>
  fields.some(([f]) => values[f]) ? Object.fromEntries(fields.map(([f]) => [f, count(values[f])])) : undefined;

export function VisitForm({ lab, groupTypes, onRecorded }: { lab: LabInfo; groupTypes: string[]; onRecorded: () => void }) {
  const [date, setDate] = useState(labToday(lab.timeZone));
  const [time, setTime] = useState("15:00");
  const [duration, setDuration] = useState("90");
  const [classes, setClasses] = useState<Set<string>>(new Set());
  const [group, setGroup] = useState("");
  const [headCount, setHeadCount] = useState("");
  const [age, setAge] = useState<Record<string, string>>({});
  const [gender, setGender] = useState<Record<string, string>>({});
  const [firstTimers, setFirstTimers] = useState("");
  const [topic, setTopic] = useState("");
  const [fieldError, setFieldError] = useState<{ field: VisitField; text: string } | null>(null);
  const [status, setStatus] = useState<Status>(null);
  const groupType = group || groupTypes[0] || "";
  const form = useRef<HTMLFormElement>(null);
  // Keyboard and screen-reader users land on the field to correct.
  useEffect(() => {
    if (fieldError) form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [fieldError]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setFieldError(null);
    setStatus(null);
    const [y, m, d] = date.split("-").map(Number);
    const [h, min] = time.split(":").map(Number);
    try {
      const v = await visits.recordVisit({
        visit: {
          start: toTs(labLocalToUtc(y, m, d, h, min, lab.timeZone)),
          durationMinutes: count(duration),
          machineClasses: [...classes],
          groupType,
          headCount: count(headCount),
          age: counts(ageBands, age),
          gender: counts(genders, gender),
          firstTimers: count(firstTimers),
          topic,
        },
      });
      setStatus({ kind: "ok", text: t("visit_recorded", { n: v.headCount, group: groupTypeName(v.groupType) }) });
      onRecorded();
    } catch (err) {
      const text = errorMessage(err);
      const field = fieldOf(text);
      if (field) setFieldError({ field, text });
      setStatus({ kind: "error", text: field ? t("visit_not_recorded") : text });
    }
  };

  const err = (field: VisitField) =>
    fieldError?.field === field ? <p id={`visit-error-${field}`} class="field-error">{fieldError.text}</p> : null;
  const invalid = (field: VisitField) =>
    fieldError?.field === field ? { "aria-invalid": true, "aria-describedby": `visit-error-${field}` } : {};
  const numberInput = (value: string, set: (v: string) => void, field?: VisitField) => (
    <input type="number" min="0" inputMode="numeric" value={value} onInput={(e) => set((e.target as HTMLInputElement).value)} {...(field ? invalid(field) : {})} />
  );
  const countFields = (fields: [string, Key][], values: Record<string, string>, set: (v: Record<string, string>) => void) =>
    fields.map(([f, key]) => (
      <label key={f}>
        {t(key)}
        {numberInput(values[f] ?? "", (v) => set({ ...values, [f]: v }))}
      </label>
    ));

  return (
    <form class="stack visit-form" ref={form} onSubmit={submit} noValidate>
      <div class="row">
        <label>
          {t("date")}
          <input type="date" value={date} required onInput={(e) => setDate((e.target as HTMLInputElement).value)} {...invalid("start")} />
        </label>
        <label>
          {t("start_time")}
          <input type="time" value={time} required onInput={(e) => setTime((e.target as HTMLInputElement).value)} {...invalid("start")} />
        </label>
      </div>
      {err("start")}
      <label>
        {t("duration_minutes")}
        {numberInput(duration, setDuration, "duration")}
      </label>
      {err("duration")}
      <fieldset>
        <legend>{t("machine_classes_used")}</legend>
        {lab.classes.map((c) => (
          <label class="check" key={c.name}>
            <input
              type="checkbox"
              checked={classes.has(c.name)}
              onChange={(e) => {
                const next = new Set(classes);
                (e.target as HTMLInputElement).checked ? next.add(c.name) : next.delete(c.name);
                setClasses(next);
              }}
            />
            {c.displayName || c.name}
          </label>
        ))}
        {err("classes")}
      </fieldset>
      <label>
        {t("group_type")}
        <select value={groupType} onChange={(e) => setGroup((e.target as HTMLSelectElement).value)} {...invalid("group")}>
          {groupTypes.map((g) => <option key={g} value={g}>{groupTypeName(g)}</option>)}
        </select>
      </label>
      {err("group")}
      <label>
        {t("head_count")}
        {numberInput(headCount, setHeadCount, "head_count")}
      </label>
      {err("head_count")}
      <fieldset>
        <legend>{t("age_bands")}</legend>
        <p class="hint">{t("age_bands_hint")}</p>
        <div class="counts">{countFields(ageBands, age, setAge)}</div>
        {err("age")}
      </fieldset>
      <fieldset>
        <legend>{t("gender_counts")}</legend>
        <p class="hint">{t("gender_counts_hint")}</p>
        <div class="counts">{countFields(genders, gender, setGender)}</div>
        {err("gender")}
      </fieldset>
      <label>
        {t("first_timers")}
        {numberInput(firstTimers, setFirstTimers, "first_timers")}
      </label>
      {err("first_timers")}
      <label>
        {t("topic")}
        <input value={topic} maxLength={200} onInput={(e) => setTopic((e.target as HTMLInputElement).value)} {...invalid("topic")} />
      </label>
      {err("topic")}
      <button type="submit" class="primary">{t("record_visit")}</button>
      <StatusLine status={status} />
    </form>
  );
}
