// SPDX-License-Identifier: EUPL-1.2
// A message region that screen readers announce: errors from the daemon in
// its own words, and confirmations.
export type Status = { kind: "error" | "ok"; text: string } | null;

export function StatusLine({ status }: { status: Status }) {
  return (
    <p class={status ? `status status-${status.kind}` : "status"} role={status?.kind === "error" ? "alert" : "status"}>
      {status?.text ?? ""}
    </p>
  );
}
