// SPDX-License-Identifier: EUPL-1.2
// The group types the lab's config allows. The API names them as the rows of
// the impact report's visits table (trainers may read it); until that answers,
// and if it cannot, the daemon's defaults are offered and the daemon decides.
import { useEffect, useState } from "preact/hooks";
import { reports } from "../api/client";

const defaults = ["school_class", "club", "citizens", "city_staff", "other"];

export function useGroupTypes(): string[] {
  const [types, setTypes] = useState(defaults);
  useEffect(() => {
    reports.getImpactReport({ period: { case: "year", value: new Date().getFullYear() } }).then(
      (r) => {
        const rows = r.tables.find((tb) => tb.name === "visits_by_group")?.rows.map((row) => row.key).filter((k) => k !== "total");
        if (rows?.length) setTypes(rows);
      },
      () => undefined,
    );
  }, []);
  return types;
}
