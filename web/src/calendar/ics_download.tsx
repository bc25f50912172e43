// SPDX-License-Identifier: EUPL-1.2
// Downloads the user's bookings as an RFC 5545 calendar file.
import { useState } from "preact/hooks";
import { errorMessage, reports } from "../api/client";
import { downloadText } from "../common/download";
import { t } from "../i18n/i18n";

export function IcsDownload() {
  const [error, setError] = useState("");
  const download = async () => {
    try {
      const { ics } = await reports.exportCalendar({});
      downloadText(ics, "werkbank.ics", "text/calendar");
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <p>
      <button type="button" onClick={download}>{t("download_ics")}</button>
      {error && <span role="alert"> {error}</span>}
    </p>
  );
}
