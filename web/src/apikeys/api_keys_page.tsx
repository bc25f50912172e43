// SPDX-License-Identifier: EUPL-1.2
// Everyone: personal API keys for slicers. A new key is shown once, with
// the address of each machine to enter in the slicer (a printer of type
// OctoPrint); the list shows the keys by their first characters, when they
// were last used, and lets the person revoke them.
import { useEffect, useRef, useState } from "preact/hooks";
import { apiKeys, errorMessage } from "../api/client";
import { formatDateTime, toDate } from "../common/lab_time";
import { StatusLine, type Status } from "../common/status";
import type { ApiKey } from "../gen/werkbank/v1/apikeys_pb";
import type { LabInfo } from "../gen/werkbank/v1/bookings_pb";
import { t } from "../i18n/i18n";

export function ApiKeysPage({ lab }: { lab: LabInfo }) {
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [label, setLabel] = useState("");
  const [secret, setSecret] = useState<string | null>(null);
  const [status, setStatus] = useState<Status>(null);
  const [reload, setReload] = useState(0);
  const listHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    apiKeys.listApiKeys({}).then((r) => setKeys(r.keys), (e) => setStatus({ kind: "error", text: errorMessage(e) }));
  }, [reload]);

  const create = async (e: Event) => {
    e.preventDefault();
    try {
      const r = await apiKeys.createApiKey({ label });
      setSecret(r.secret);
      setLabel("");
      setStatus({ kind: "ok", text: t("api_key_created", { label: r.key?.label ?? "" }) });
      setReload((n) => n + 1);
    } catch (err) {
      setStatus({ kind: "error", text: errorMessage(err) });
    }
  };
  const revoke = async (k: ApiKey) => {
    try {
      await apiKeys.revokeApiKey({ id: k.id });
      setStatus({ kind: "ok", text: t("api_key_revoked", { label: k.label }) });
      setReload((n) => n + 1);
    } catch (err) {
      setStatus({ kind: "error", text: errorMessage(err) });
    }
  };
  const when = (k: ApiKey, field: "createdAt" | "lastUsedAt" | "revokedAt") =>
    k[field] ? formatDateTime(toDate(k[field]), lab.timeZone) : "–";

  return (
    <section>
      <h1>{t("api_keys_title")}</h1>
      <p>{t("api_keys_text")}</p>
      <form class="stack" onSubmit={create}>
        <label>
          {t("api_key_label")}
          <input value={label} required maxLength={100} onInput={(e) => setLabel((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="primary">{t("api_key_create")}</button>
      </form>
      <StatusLine status={status} takeFocus />
      {secret && (
        <div class="card" role="region" aria-label={t("api_key_new")}>
          <h2>{t("api_key_new")}</h2>
          <p><code>{secret}</code></p>
          <p class="hint">{t("api_key_copy_hint")}</p>
          <p>{t("api_key_slicer_setup")}</p>
          <ul class="plain">
            {lab.machines.map((m) => (
              <li key={m.id}>
                {m.name || m.id}: <code>{`${location.origin}/machines/${m.id}/`}</code>
              </li>
            ))}
          </ul>
          <button
            type="button"
            onClick={() => {
              setSecret(null);
              // The button goes away with the key: the keyboard goes on at the list.
              listHeading.current?.focus();
            }}
          >
            {t("api_key_hide")}
          </button>
        </div>
      )}
      <h2 ref={listHeading} tabIndex={-1}>{t("api_keys_mine")}</h2>
      {keys.length === 0 ? (
        <p class="hint">{t("api_keys_none")}</p>
      ) : (
        <div class="scroll" tabIndex={0} role="region" aria-label={t("api_keys_mine")}>
          <table>
            <thead>
              <tr>
                <th>{t("api_key_label")}</th><th>{t("api_key_prefix")}</th><th>{t("api_key_created_at")}</th>
                <th>{t("api_key_last_used")}</th><th><span class="sr-only">{t("actions")}</span></th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={String(k.id)} class={k.revokedAt ? "muted" : ""}>
                  <td>{k.label}</td>
                  <td><code>{k.prefix}…</code></td>
                  <td>{when(k, "createdAt")}</td>
                  <td>{when(k, "lastUsedAt")}</td>
                  <td class="actions">
                    {k.revokedAt ? (
                      t("api_key_revoked_at", { when: when(k, "revokedAt") })
                    ) : (
                      <button type="button" onClick={() => revoke(k)} aria-label={t("api_key_revoke_which", { label: k.label })}>
                        {t("api_key_revoke")}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
