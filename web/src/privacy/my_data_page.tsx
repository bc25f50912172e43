// SPDX-License-Identifier: EUPL-1.2
// Everyone: a copy of everything werkbank stores about them (ExportMyData) as
// a JSON file. The file is made in the page as a blob: URL; a download is a
// navigation, which the CSP (default-src 'self') does not restrict.
import { useState } from "preact/hooks";
import { errorMessage, privacy } from "../api/client";
import { downloadText } from "../common/download";
import { StatusLine, type Status } from "../common/status";
import type { User } from "../gen/werkbank/v1/accounts_pb";
import { PersonalDataSchema } from "../gen/werkbank/v1/privacy_pb";
import { toJsonString } from "@bufbuild/protobuf";
import { t } from "../i18n/i18n";

export function MyDataPage({ user }: { user: User }) {
  const [status, setStatus] = useState<Status>(null);
  const download = async () => {
    try {
      const data = await privacy.exportMyData({});
      downloadText(toJsonString(PersonalDataSchema, data, { prettySpaces: 2 }) + "\n", `werkbank-my-data-${user.login}.json`, "application/json");
      setStatus({ kind: "ok", text: t("my_data_downloaded") });
    } catch (err) {
      setStatus({ kind: "error", text: errorMessage(err) });
    }
  };
  return (
    <section>
      <h1>{t("my_data_title")}</h1>
      <p>{t("my_data_text")}</p>
      <button type="button" class="primary" onClick={download}>{t("my_data_download")}</button>
      <StatusLine status={status} />
    </section>
  );
}
