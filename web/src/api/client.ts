// SPDX-License-Identifier: EUPL-1.2
// The werkbank.v1 clients over the Connect protocol (JSON) on the page's own
// origin. The session is an HttpOnly cookie set by Accounts/Login, so no call
// carries a token. An `unauthenticated` answer anywhere means the session
// ended: listeners (the app shell) show the login page.
import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { Accounts } from "../gen/werkbank/v1/accounts_pb";
import { ApiKeys } from "../gen/werkbank/v1/apikeys_pb";
import { Audit } from "../gen/werkbank/v1/audit_pb";
import { Bookings } from "../gen/werkbank/v1/bookings_pb";
import { Jobs } from "../gen/werkbank/v1/jobs_pb";
import { Machines } from "../gen/werkbank/v1/machines_pb";
import { Monitor } from "../gen/werkbank/v1/monitor_pb";
import { Privacy } from "../gen/werkbank/v1/privacy_pb";
import { Reports } from "../gen/werkbank/v1/reports_pb";
import { PrintService } from "../gen/werkbank/v1/service_requests_pb";
import { Trainings } from "../gen/werkbank/v1/trainings_pb";
import { Visits } from "../gen/werkbank/v1/visits_pb";

type Listener = () => void;
const sessionEndedListeners = new Set<Listener>();

export function onSessionEnded(listener: Listener): () => void {
  sessionEndedListeners.add(listener);
  return () => sessionEndedListeners.delete(listener);
}

export function reportIfSessionEnded(err: unknown): void {
  if (err instanceof ConnectError && err.code === Code.Unauthenticated) {
    sessionEndedListeners.forEach((l) => l());
  }
}

const sessionWatch: Interceptor = (next) => async (req) => {
  try {
    return await next(req);
  } catch (err) {
    if (req.method.name !== "Login") reportIfSessionEnded(err);
    throw err;
  }
};

const transport = createConnectTransport({
  baseUrl: location.origin,
  useBinaryFormat: false,
  interceptors: [sessionWatch],
});

export const accounts = createClient(Accounts, transport);
export const apiKeys = createClient(ApiKeys, transport);
export const audit = createClient(Audit, transport);
export const bookings = createClient(Bookings, transport);
export const jobs = createClient(Jobs, transport);
export const machines = createClient(Machines, transport);
export const monitor = createClient(Monitor, transport);
export const privacy = createClient(Privacy, transport);
export const reports = createClient(Reports, transport);
export const printService = createClient(PrintService, transport);
export const trainings = createClient(Trainings, transport);
export const visits = createClient(Visits, transport);

// The daemon's message, which says what a person can do about it.
export function errorMessage(err: unknown): string {
  if (err instanceof ConnectError) return err.rawMessage;
  if (err instanceof Error) return err.message;
  return String(err);
}

export function isAbort(err: unknown): boolean {
  return (
    (err instanceof ConnectError && err.code === Code.Canceled) ||
    (err instanceof DOMException && err.name === "AbortError")
  );
}
