// SPDX-License-Identifier: EUPL-1.2
// Login with login name and password, or at the lab's kiosk with the card UID
// and PIN. The daemon sets the session cookie; the page only learns the user.
import { useState } from "preact/hooks";
import { accounts, errorMessage } from "../api/client";
import { StatusLine, type Status } from "../common/status";
import type { User } from "../gen/werkbank/v1/accounts_pb";
import { lang, setLang, t, type Lang } from "../i18n/i18n";

export function LoginPage({ onLoggedIn }: { onLoggedIn: (u: User) => void }) {
  const [mode, setMode] = useState<"password" | "card">("password");
  const [status, setStatus] = useState<Status>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const get = (k: string) => String(form.get(k) ?? "");
    setBusy(true);
    setStatus(null);
    try {
      const res = await accounts.login({
        method:
          mode === "password"
            ? { case: "password", value: { login: get("login"), password: get("password") } }
            : { case: "card", value: { cardUid: get("card_uid"), pin: get("pin") } },
      });
      const user = res.user ?? (await accounts.whoAmI({}));
      onLoggedIn(user);
    } catch (err) {
      setStatus({ kind: "error", text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <h1>{t("login_title")}</h1>
      <label class="lang-switch">
        {t("language")}{" "}
        <select value={lang()} onChange={(e) => setLang((e.target as HTMLSelectElement).value as Lang)}>
          <option value="de">Deutsch</option>
          <option value="en">English</option>
        </select>
      </label>
      <div role="tablist" aria-label={t("login_method")} class="tabs">
        <button type="button" role="tab" aria-selected={mode === "password"} onClick={() => setMode("password")}>
          {t("login_with_password")}
        </button>
        <button type="button" role="tab" aria-selected={mode === "card"} onClick={() => setMode("card")}>
          {t("login_with_card")}
        </button>
      </div>
      <form onSubmit={submit} class="stack" role="tabpanel">
        {mode === "password" ? (
          <>
            <label>
              {t("login_name")}
              <input name="login" autocomplete="username" required />
            </label>
            <label>
              {t("password")}
              <input name="password" type="password" autocomplete="current-password" required />
            </label>
          </>
        ) : (
          <>
            <label>
              {t("card_uid")}
              <input name="card_uid" autocomplete="off" required />
            </label>
            <label>
              {t("pin")}
              <input name="pin" type="password" inputMode="numeric" autocomplete="off" required />
            </label>
          </>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {t("login")}
        </button>
      </form>
      <StatusLine status={status} />
    </main>
  );
}
