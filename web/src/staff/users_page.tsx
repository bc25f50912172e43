// SPDX-License-Identifier: EUPL-1.2
// Staff: every account with its roles, creating and changing accounts and
// cards, ending someone's sessions, and anonymising a person on request.
import { useEffect, useState } from "preact/hooks";
import { accounts, errorMessage } from "../api/client";
import { StatusLine, type Status } from "../common/status";
import { Role } from "../gen/werkbank/v1/common_pb";
import type { User } from "../gen/werkbank/v1/accounts_pb";
import { t } from "../i18n/i18n";
import { AnonymiseDialog } from "./anonymise_dialog";
import { EditUserForm } from "./edit_user_form";
import { NewUserForm } from "./new_user_form";

export function UsersPage() {
  const [users, setUsers] = useState<User[]>([]);
  const [status, setStatus] = useState<Status>(null);
  const [anonymising, setAnonymising] = useState<User | null>(null);
  const [reload, setReload] = useState(0);
  useEffect(() => {
    accounts.listUsers({ includeDisabled: true }).then((r) => setUsers(r.users), (e) => setStatus({ kind: "error", text: errorMessage(e) }));
  }, [reload]);
  const revoke = async (login: string) => {
    try {
      const r = await accounts.revokeSessions({ login });
      setStatus({ kind: "ok", text: t("sessions_revoked", { n: r.revoked, login }) });
    } catch (err) {
      setStatus({ kind: "error", text: errorMessage(err) });
    }
  };
  return (
    <section>
      <h1>{t("users_title")}</h1>
      <StatusLine status={status} />
      {anonymising && (
        <AnonymiseDialog
          user={anonymising}
          onCancel={() => setAnonymising(null)}
          onDone={(text) => {
            setAnonymising(null);
            setStatus({ kind: "ok", text });
            setReload((n) => n + 1);
          }}
        />
      )}
      <div class="scroll" tabIndex={0} role="region" aria-label={t("users_title")}>
      <table>
        <thead>
          <tr><th>{t("login_name")}</th><th>{t("name")}</th><th>{t("roles")}</th><th>{t("card")}</th><th><span class="sr-only">{t("actions")}</span></th></tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.login} class={u.disabled ? "muted" : ""}>
              <td>{u.login}</td>
              <td>{u.displayName}</td>
              <td>{u.roles.map((r) => Role[r].toLowerCase()).join(", ")}</td>
              <td>{u.hasCard ? t("yes") : t("no")}</td>
              <td class="actions">
                <button type="button" onClick={() => revoke(u.login)}>{t("revoke_sessions")}</button>
                <button type="button" onClick={() => setAnonymising(u)} aria-label={t("anonymise_who", { who: u.login })}>{t("anonymise")}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      <div class="columns">
        <NewUserForm onStatus={setStatus} onCreated={() => setReload((n) => n + 1)} />
        <EditUserForm users={users} onStatus={setStatus} onChanged={() => setReload((n) => n + 1)} />
      </div>
    </section>
  );
}
