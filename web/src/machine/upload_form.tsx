// SPDX-License-Identifier: EUPL-1.2
// Upload a G-code file by dropping it or picking it. The daemon checks it
// right away; the preflight report shows in the job panel.
import { useState } from "preact/hooks";
import { errorMessage } from "../api/client";
import { uploadJob } from "../api/upload";
import type { Job } from "../gen/werkbank/v1/jobs_pb";
import type { Machine } from "../gen/werkbank/v1/machines_pb";
import { t } from "../i18n/i18n";

export function UploadForm(props: { machine: Machine; onUploaded: (j: Job) => void; onError: (text: string) => void }) {
  const { machine } = props;
  const [dryRun, setDryRun] = useState(false);
  const [over, setOver] = useState(false);
  const [busy, setBusy] = useState(false);

  const send = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    try {
      props.onUploaded(await uploadJob(machine.id, file, dryRun));
    } catch (err) {
      props.onError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div
      class={over ? "dropzone over" : "dropzone"}
      onDragOver={(e) => { e.preventDefault(); setOver(true); }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => { e.preventDefault(); setOver(false); send(e.dataTransfer?.files[0]); }}
    >
      <h2>{t("upload_title")}</h2>
      <p>{t("upload_drop_hint")}</p>
      <label class="button">
        {t("choose_file")}
        <input
          type="file"
          class="sr-only"
          accept=".gcode,.gc,.nc,.ngc,.g,text/plain"
          disabled={busy}
          onChange={(e) => { const input = e.target as HTMLInputElement; send(input.files?.[0]); input.value = ""; }}
        />
      </label>
      {machine.protocol === "grbl" && (
        <label class="check">
          <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun((e.target as HTMLInputElement).checked)} />
          {t("dry_run")}
        </label>
      )}
      {busy && <p role="status">{t("uploading")}</p>}
    </div>
  );
}
