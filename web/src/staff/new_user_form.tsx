// SPDX-License-Identifier: EUPL-1.2
// Staff create an account; without a password the daemon makes one up and
// returns it this once, so it is shown to hand over.
import { useState } from "preact/hooks";
import { accounts, errorMessage } from "../api/client";
import type { Status } from "../common/status";
import { Role, UserGroup } from "../gen/werkbank/v1/common_pb";
import { t } from "../i18n/i18n";
import { GroupSelect, RoleChecks } from "./user_fields";

export function NewUserForm({ onStatus, onCreated }: { onStatus: (s: Status) => void; onCreated: () => void }) {
  const [login, setLogin] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [roles, setRoles] = useState<Role[]>([Role.PARTICIPANT]);
  const [group, setGroup] = useState<UserGroup>(UserGroup.UNSPECIFIED);
  const [password, setPassword] = useState("");

  const create = async (e: Event) => {
    e.preventDefault();
    try {
      const r = await accounts.createUser({ login, displayName, roles, group });
      setPassword(r.generatedPassword);
      onStatus({ kind: "ok", text: t("user_created", { login }) });
      setLogin("");
      setDisplayName("");
      onCreated();
    } catch (err) {
      setPassword("");
      onStatus({ kind: "error", text: errorMessage(err) });
    }
  };

  return (
    <form class="stack" onSubmit={create} aria-labelledby="new-user">
      <h2 id="new-user">{t("new_user")}</h2>
      <label>
        {t("login_name")}
        <input value={login} required onInput={(e) => setLogin((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        {t("name")}
        <input value={displayName} onInput={(e) => setDisplayName((e.target as HTMLInputElement).value)} />
      </label>
      <RoleChecks roles={roles} onChange={setRoles} />
      <GroupSelect group={group} onChange={setGroup} />
      <button type="submit">{t("create_user")}</button>
      {password && <p class="new-password">{t("one_time_password")}: <code>{password}</code></p>}
    </form>
  );
}
