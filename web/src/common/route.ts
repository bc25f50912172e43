// SPDX-License-Identifier: EUPL-1.2
// Pages are addressed by the URL's hash (#/calendar, #/machine/laser-1), so
// every page has a link and the server serves one index.html.
import { useEffect, useState } from "preact/hooks";

export function currentRoute(): string[] {
  const parts = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean);
  return parts.length ? parts.map(decodeURIComponent) : ["lab"];
}

export function useRoute(): string[] {
  const [route, setRoute] = useState(currentRoute());
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    addEventListener("hashchange", update);
    return () => removeEventListener("hashchange", update);
  }, []);
  return route;
}

export function go(path: string): void {
  location.hash = `#/${path}`;
}
