// SPDX-License-Identifier: EUPL-1.2
// Staff anonymise a person on request: a confirmation that names them and
// says it cannot be undone, with the reason for the audit log.
import { useEffect, useRef, useState } from "preact/hooks";
import { errorMessage, privacy } from "../api/client";
import type { User } from "../gen/werkbank/v1/accounts_pb";
import { t } from "../i18n/i18n";

export function AnonymiseDialog({ user, onDone, onCancel }: { user: User; onDone: (text: string) => void; onCancel: () => void }) {
  const [reason, setReason] = useState("");
  const [error, setError] = useState("");
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const who = user.displayName ? `${user.displayName} (${user.login})` : user.login;

  const confirm = async (e: Event) => {
    e.preventDefault();
    try {
      const r = await privacy.anonymiseUser({ login: user.login, reason });
      onDone(t("anonymised", { who, n: r.auditEventsRedacted }));
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <form class="confirm stack" role="alertdialog" aria-labelledby="anonymise-title" aria-describedby="anonymise-text" onSubmit={confirm}>
      <h2 id="anonymise-title" tabIndex={-1} ref={heading}>{t("anonymise_title", { who })}</h2>
      <p id="anonymise-text">{t("anonymise_text", { who })}</p>
      <label>
        {t("reason")}
        <input value={reason} required onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
      </label>
      {error && <p class="status status-error" role="alert">{error}</p>}
      <div class="actions">
        <button type="submit" class="danger">{t("anonymise_confirm", { who })}</button>
        <button type="button" onClick={onCancel}>{t("cancel")}</button>
      </div>
    </form>
  );
}
