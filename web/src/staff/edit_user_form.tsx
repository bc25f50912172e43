// SPDX-License-Identifier: EUPL-1.2
// Staff change one account: roles, group and whether it is disabled, and the
// card UID and PIN for logging in at the lab's kiosk.
import { useEffect, useState } from "preact/hooks";
import { accounts, errorMessage } from "../api/client";
import type { Status } from "../common/status";
import type { User } from "../gen/werkbank/v1/accounts_pb";
import { t } from "../i18n/i18n";
import { GroupSelect, RoleChecks } from "./user_fields";

export function EditUserForm({ users, onStatus, onChanged }: { users: User[]; onStatus: (s: Status) => void; onChanged: () => void }) {
  const [login, setLogin] = useState("");
  const user = users.find((u) => u.login === login);
  const [roles, setRoles] = useState(user?.roles ?? []);
  const [group, setGroup] = useState(user?.group ?? 0);
  const [disabled, setDisabled] = useState(user?.disabled ?? false);
  const [cardUid, setCardUid] = useState("");
  const [pin, setPin] = useState("");
  useEffect(() => {
    setRoles(user?.roles ?? []);
    setGroup(user?.group ?? 0);
    setDisabled(user?.disabled ?? false);
  }, [login, users]);

  const run = async (e: Event, what: () => Promise<unknown>, done: string) => {
    e.preventDefault();
    try {
      await what();
      onStatus({ kind: "ok", text: done });
      onChanged();
    } catch (err) {
      onStatus({ kind: "error", text: errorMessage(err) });
    }
  };
  const save = (e: Event) => run(e, () => accounts.updateUser({ login, roles, setRoles: true, group, disabled }), t("user_saved", { login }));
  const setCard = (e: Event) =>
    run(e, () => accounts.setCard({ login, cardUid, pin }), t("card_set", { login })).then(() => setPin(""));

  return (
    <div class="stack" role="group" aria-labelledby="edit-user">
      <h2 id="edit-user">{t("edit_user")}</h2>
      <label>
        {t("login_name")}
        <select value={login} onChange={(e) => setLogin((e.target as HTMLSelectElement).value)}>
          <option value="">{t("pick_user")}</option>
          {users.map((u) => <option key={u.login} value={u.login}>{u.login}</option>)}
        </select>
      </label>
      {user && (
        <>
          <form class="stack" onSubmit={save}>
            <RoleChecks roles={roles} onChange={setRoles} />
            <GroupSelect group={group} onChange={setGroup} />
            <label class="check">
              <input type="checkbox" checked={disabled} onChange={(e) => setDisabled((e.target as HTMLInputElement).checked)} />
              {t("user_disabled")}
            </label>
            <button type="submit">{t("save_user")}</button>
          </form>
          <form class="stack" onSubmit={setCard}>
            <label>
              {t("card_uid")}
              <input value={cardUid} onInput={(e) => setCardUid((e.target as HTMLInputElement).value)} />
            </label>
            <label>
              {t("pin")}
              <input type="password" inputMode="numeric" autocomplete="off" value={pin} onInput={(e) => setPin((e.target as HTMLInputElement).value)} />
            </label>
            <button type="submit">{t("set_card")}</button>
          </form>
        </>
      )}
    </div>
  );
}
