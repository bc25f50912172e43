// Downloads the user's bookings as an RFC 5545 calendar file.
import { useState } from "preact/hooks";
import { errorMessage, reports } from "../api/client";
import { t } from "../i18n/i18n";

export function IcsDownload() {
  const [error, setError] = useState("");
  const download = async () => {
    try {
      const { ics } = await reports.exportCalendar({});
      const url = URL.createObjectURL(new Blob([ics], { type: "text/calendar" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = "werkbank.ics";
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
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
