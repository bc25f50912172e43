// SPDX-License-Identifier: EUPL-1.2
// Uploads a G-code file as the raw request body: to /upload/job (the answer
// is the Job with its preflight report) or to /upload/service-request (a
// print service request); in proto3 JSON, or a Connect error.
import { fromJson, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { JobSchema, type Job } from "../gen/werkbank/v1/jobs_pb";
import { ServiceRequestSchema, type ServiceRequest } from "../gen/werkbank/v1/service_requests_pb";
import { reportIfSessionEnded } from "./client";

export function uploadJob(machineId: string, file: File, dryRunOnMachine: boolean): Promise<Job> {
  const query = new URLSearchParams({
    machine_id: machineId,
    file_name: file.name,
    dry_run_on_machine: String(dryRunOnMachine),
  });
  return upload(`/upload/job?${query}`, file, JobSchema);
}

export function submitServiceRequest(machineClass: string, file: File, note: string): Promise<ServiceRequest> {
  const query = new URLSearchParams({ machine_class: machineClass, file_name: file.name, note });
  return upload(`/upload/service-request?${query}`, file, ServiceRequestSchema);
}

async function upload<T extends DescMessage>(url: string, file: File, schema: T): Promise<MessageShape<T>> {
  const res = await fetch(url, {
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
  return fromJson(schema, body);
}

function codeFromName(name: unknown): Code {
  if (typeof name !== "string") return Code.Unknown;
  const camel = name.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
  const code = (Code as unknown as Record<string, Code>)[camel];
  return code ?? Code.Unknown;
}
