// SPDX-License-Identifier: EUPL-1.2
// The qualifications a trainer granted, each with when it expires and a
// revoke button (the daemon lets a trainer revoke only their own).
import { useEffect, useState } from "preact/hooks";
import { errorMessage, trainings } from "../api/client";
import { formatDateTime, toDate } from "../common/lab_time";
import type { Status } from "../common/status";
import type { LabInfo } from "../gen/werkbank/v1/bookings_pb";
import type { Qualification } from "../gen/werkbank/v1/trainings_pb";
import { t } from "../i18n/i18n";

export function GrantedList(props: { lab: LabInfo; me: string; reload: number; onStatus: (s: Status) => void }) {
  const { lab, me, onStatus } = props;
  const [quals, setQuals] = useState<Qualification[]>([]);
  const [changed, setChanged] = useState(0);
  useEffect(() => {
    trainings.listQualifications({}).then((r) => setQuals(r.qualifications.filter((q) => q.grantedBy === me)), () => undefined);
  }, [props.reload, changed]);
  const revoke = async (q: Qualification) => {
    try {
      await trainings.revokeQualification({ id: q.id, reason: "revoked by the trainer" });
      onStatus({ kind: "ok", text: t("qualification_revoked", { login: q.login }) });
      setChanged((n) => n + 1);
    } catch (err) {
      onStatus({ kind: "error", text: errorMessage(err) });
    }
  };
  if (quals.length === 0) return null;
  return (
    <>
      <h2>{t("granted_title")}</h2>
      <ul class="cards">
        {quals.map((q) => (
          <li key={String(q.id)} class="card">
            <strong>{q.login}</strong> {q.machineClass} — {t("valid_until", { date: formatDateTime(toDate(q.expiresAt), lab.timeZone) })}{" "}
            <button type="button" onClick={() => revoke(q)}>{t("revoke")}<span class="sr-only"> {q.login}</span></button>
          </li>
        ))}
      </ul>
    </>
  );
}
