// SPDX-License-Identifier: EUPL-1.2
// Uploads a G-code file as the raw request body to /upload/job; the answer is
// the Job in proto3 JSON (with its preflight report) or a Connect error.
import { fromJson } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { JobSchema, type Job } from "../gen/werkbank/v1/jobs_pb";
import { reportIfSessionEnded } from "./client";

export async function uploadJob(
  machineId: string,
  file: File,
  dryRunOnMachine: boolean,
): Promise<Job> {
  const query = new URLSearchParams({
    machine_id: machineId,
    file_name: file.name,
    dry_run_on_machine: String(dryRunOnMachine),
  });
  const res = await fetch(`/upload/job?${query}`, {
    method: "POST",
    headers: { "Connect-Protocol-Version": "1", "Content-Type": "application/octet-stream" },
    body: file,
    credentials: "same-origin",
  });
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const code = codeFromName(body?.code);
    const err = new ConnectError(body?.message ?? `HTTP ${res.status}`, code);
    reportIfSessionEnded(err);
    throw err;
  }
  return fromJson(JobSchema, body);
}

function codeFromName(name: unknown): Code {
  if (typeof name !== "string") return Code.Unknown;
  const camel = name.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
  const code = (Code as unknown as Record<string, Code>)[camel];
  return code ?? Code.Unknown;
}
