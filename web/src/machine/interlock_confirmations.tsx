// SPDX-License-Identifier: EUPL-1.2
// Interlocks the lab has no sensor for (extraction, air assist): a checkbox
// each, which the person starting a job ticks to confirm they are on. Used
// wherever a job starts: the machine page and the print queue.
import { interlockName } from "../common/names";
import { InterlockKind, type Machine } from "../gen/werkbank/v1/machines_pb";
import { t } from "../i18n/i18n";

const confirmable: Partial<Record<InterlockKind, string>> = {
  [InterlockKind.EXTRACTION]: "extraction",
  [InterlockKind.AIR_ASSIST]: "air_assist",
};

// What the machine's start needs confirmed, as the API names it.
export function confirmationsNeeded(machine: Machine | undefined): string[] {
  return (machine?.interlocks ?? []).map((i) => confirmable[i.kind]).filter((k): k is string => !!k);
}

export function InterlockConfirmations(props: {
  needs: string[];
  confirmed: Set<string>;
  onChange: (next: Set<string>) => void;
}) {
  return (
    <>
      {props.needs.map((n) => (
        <label class="check" key={n}>
          <input
            type="checkbox"
            checked={props.confirmed.has(n)}
            onChange={(e) => {
              const next = new Set(props.confirmed);
              (e.target as HTMLInputElement).checked ? next.add(n) : next.delete(n);
              props.onChange(next);
            }}
          />
          {t("confirm_interlock", { what: interlockName(n === "extraction" ? InterlockKind.EXTRACTION : InterlockKind.AIR_ASSIST) })}
        </label>
      ))}
    </>
  );
}
