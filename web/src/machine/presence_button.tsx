// SPDX-License-Identifier: EUPL-1.2
// Presence at the laser: a big button that tells the daemon the operator is
// still there, with the time left counting down each second (from the
// daemon's "confirm within N s", refreshed with every machine update).
import { useEffect, useState } from "preact/hooks";
import { errorMessage, machines } from "../api/client";
import type { Status } from "../common/status";
import { InterlockKind, type Machine } from "../gen/werkbank/v1/machines_pb";
import { t } from "../i18n/i18n";

export function PresenceButton({ machine, onStatus }: { machine: Machine; onStatus: (s: Status) => void }) {
  const presence = machine.interlocks.find((i) => i.kind === InterlockKind.PRESENCE);
  const seconds = presence ? /(\d+)\s*s/.exec(presence.detail)?.[1] : undefined;
  const [deadline, setDeadline] = useState<number | null>(null);
  const [, tick] = useState(0);

  useEffect(() => setDeadline(seconds === undefined ? null : Date.now() + Number(seconds) * 1000), [seconds, machine]);
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, []);

  if (!presence) return null;
  const left = deadline === null ? null : Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
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
      <p class="countdown" role="timer">{left === null ? presence.detail : t("presence_left", { n: left })}</p>
    </div>
  );
}
