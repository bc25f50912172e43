// SPDX-License-Identifier: EUPL-1.2
// A message region that screen readers announce: errors from the daemon in
// its own words, and confirmations.
import { useEffect, useRef } from "preact/hooks";

export type Status = { kind: "error" | "ok"; text: string } | null;

// `takeFocus`: each new message takes the keyboard focus, for pages where the
// control just used goes away or changes (a revoked key's button, a request
// leaving the queue), so that keyboard users are not thrown back to the top.
export function StatusLine({ status, takeFocus = false }: { status: Status; takeFocus?: boolean }) {
  const line = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (takeFocus && status) line.current?.focus();
  }, [status, takeFocus]);
  return (
    <p
      ref={line}
      class={status ? `status status-${status.kind}` : "status"}
      role={status?.kind === "error" ? "alert" : "status"}
      tabIndex={takeFocus ? -1 : undefined}
    >
      {status?.text ?? ""}
    </p>
  );
}
