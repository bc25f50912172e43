// SPDX-License-Identifier: EUPL-1.2
// Trainers record a briefing: the machine class, the participants who took
// part (picked from the accounts) and a note. Each is then qualified.
import { useEffect, useState } from "preact/hooks";
import { accounts, errorMessage, trainings } from "../api/client";
import { StatusLine, type Status } from "../common/status";
import type { User } from "../gen/werkbank/v1/accounts_pb";
import type { LabInfo } from "../gen/werkbank/v1/bookings_pb";
import { Role } from "../gen/werkbank/v1/common_pb";
import { t } from "../i18n/i18n";
import { GrantedList } from "./granted_list";
import { WorkshopAccounts, type NewAccount } from "./workshop_accounts";

export function BriefingPage({ lab, me }: { lab: LabInfo; me: string }) {
  const [users, setUsers] = useState<User[]>([]);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [machineClass, setMachineClass] = useState(lab.classes[0]?.name ?? "");
  const [note, setNote] = useState("");
  const [status, setStatus] = useState<Status>(null);
  const [recorded, setRecorded] = useState(0);

  useEffect(() => {
    accounts.listUsers({}).then((r) => setUsers(r.users.filter((u) => u.roles.includes(Role.PARTICIPANT))), (e) => setStatus({ kind: "error", text: errorMessage(e) }));
  }, []);

  // New workshop accounts join the list, picked for the briefing.
  const added = (created: NewAccount[]) => {
    setUsers((us) => [...us, ...created.map((a) => a.user)]);
    setPicked((p) => new Set([...p, ...created.map((a) => a.user.login)]));
  };

  const record = async (e: Event) => {
    e.preventDefault();
    try {
      const b = await trainings.recordBriefing({ machineClass, participantLogins: [...picked], note });
      setStatus({ kind: "ok", text: t("briefing_recorded", { n: b.participantLogins.length, who: b.participantLogins.join(", ") }) });
      setPicked(new Set());
      setRecorded((n) => n + 1);
    } catch (err) {
      setStatus({ kind: "error", text: errorMessage(err) });
    }
  };

  return (
    <section>
      <h1>{t("briefing_title")}</h1>
      <WorkshopAccounts onCreated={added} />
      <form class="stack" onSubmit={record}>
        <label>
          {t("machine_class")}
          <select value={machineClass} onChange={(e) => setMachineClass((e.target as HTMLSelectElement).value)}>
            {lab.classes.map((c) => <option key={c.name} value={c.name}>{c.displayName || c.name}</option>)}
          </select>
        </label>
        <fieldset>
          <legend>{t("participants")}</legend>
          {users.map((u) => (
            <label class="check" key={u.login}>
              <input
                type="checkbox"
                checked={picked.has(u.login)}
                onChange={(e) => {
                  const next = new Set(picked);
                  (e.target as HTMLInputElement).checked ? next.add(u.login) : next.delete(u.login);
                  setPicked(next);
                }}
              />
              {u.displayName || u.login} ({u.login})
            </label>
          ))}
        </fieldset>
        <label>
          {t("note")}
          <input value={note} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="primary" disabled={picked.size === 0}>{t("record_briefing")}</button>
      </form>
      <StatusLine status={status} />
      <GrantedList lab={lab} me={me} reload={recorded} onStatus={setStatus} />
    </section>
  );
}
