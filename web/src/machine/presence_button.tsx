// Presence at the laser: a big button, with the daemon's countdown text
// beside it, that tells the daemon the operator is still there.
import { errorMessage, machines } from "../api/client";
import type { Status } from "../common/status";
import { InterlockKind, type Machine } from "../gen/werkbank/v1/machines_pb";
import { t } from "../i18n/i18n";

export function PresenceButton({ machine, onStatus }: { machine: Machine; onStatus: (s: Status) => void }) {
  const presence = machine.interlocks.find((i) => i.kind === InterlockKind.PRESENCE);
  if (!presence) return null;
  const confirm = async () => {
    try {
      await machines.confirmPresence({ id: machine.id });
      onStatus({ kind: "ok", text: t("presence_confirmed") });
    } catch (err) {
      onStatus({ kind: "error", text: errorMessage(err) });
    }
  };
  return (
    <div class="presence">
      <button type="button" class="presence-button" onClick={confirm}>{t("confirm_presence")}</button>
      <p class="countdown" aria-live="polite">{presence.detail}</p>
    </div>
  );
}
