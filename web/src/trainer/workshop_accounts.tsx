// SPDX-License-Identifier: EUPL-1.2
// Trainers create the accounts of a workshop's participants in one go: from a
// list of names, or a count, with logins made of a prefix and a number. Each
// one-time password is shown once, on a sheet printed as one card per person.
import { useState } from "preact/hooks";
import { accounts, errorMessage } from "../api/client";
import { StatusLine, type Status } from "../common/status";
import type { User } from "../gen/werkbank/v1/accounts_pb";
import { Role } from "../gen/werkbank/v1/common_pb";
import { t } from "../i18n/i18n";

export interface NewAccount {
  user: User;
  password: string;
}

export function WorkshopAccounts({ onCreated }: { onCreated: (created: NewAccount[]) => void }) {
  const [names, setNames] = useState("");
  const [count, setCount] = useState(3);
  const [prefix, setPrefix] = useState("ws");
  const [sheet, setSheet] = useState<NewAccount[]>([]);
  const [status, setStatus] = useState<Status>(null);
  const [busy, setBusy] = useState(false);

  const create = async (e: Event) => {
    e.preventDefault();
    const listed = names.split("\n").map((n) => n.trim()).filter((n) => n);
    const people = listed.length ? listed : Array.from({ length: count }, () => "");
    const created: NewAccount[] = [];
    const refused: string[] = [];
    setBusy(true);
    // One after the other, so the numbers follow the list and a refusal names its login.
    for (const [i, name] of people.entries()) {
      const login = `${prefix}-${i + 1}`;
      try {
        const r = await accounts.createUser({ login, displayName: name || login, roles: [Role.PARTICIPANT] });
        if (r.user) created.push({ user: r.user, password: r.generatedPassword });
      } catch (err) {
        refused.push(`${login}: ${errorMessage(err)}`);
      }
    }
    setBusy(false);
    setSheet(created);
    onCreated(created);
    setStatus(
      refused.length
        ? { kind: "error", text: t("workshop_accounts_refused", { n: created.length, why: refused.join("; ") }) }
        : { kind: "ok", text: t("workshop_accounts_created", { n: created.length }) },
    );
  };

  return (
    <section aria-labelledby="workshop-accounts">
      <h2 id="workshop-accounts">{t("workshop_accounts_title")}</h2>
      <form class="stack" onSubmit={create}>
        <label>
          {t("workshop_names")}
          <textarea rows={4} value={names} onInput={(e) => setNames((e.target as HTMLTextAreaElement).value)} />
        </label>
        <label>
          {t("workshop_count")}
          <input type="number" min={1} max={50} value={count} disabled={names.trim() !== ""} onInput={(e) => setCount(Number((e.target as HTMLInputElement).value))} />
        </label>
        <label>
          {t("workshop_prefix")}
          <input value={prefix} pattern="[a-z0-9._\-]+" required onInput={(e) => setPrefix((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" disabled={busy}>{t("create_workshop_accounts")}</button>
      </form>
      <StatusLine status={status} />
      {sheet.length > 0 && (
        <div class="print-sheet">
          <ul class="account-cards">
            {sheet.map((a) => (
              <li key={a.user.login} class="account-card">
                <strong>{a.user.displayName}</strong>
                <dl>
                  <dt>{t("login_name")}</dt>
                  <dd class="card-login">{a.user.login}</dd>
                  <dt>{t("one_time_password")}</dt>
                  <dd class="card-password">{a.password}</dd>
                </dl>
              </li>
            ))}
          </ul>
          <button type="button" class="no-print" onClick={() => window.print()}>{t("print_sheet")}</button>
        </div>
      )}
    </section>
  );
}
