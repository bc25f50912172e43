// SPDX-License-Identifier: EUPL-1.2
// The real werkbankd for the browser tests: the demo lab (a simulated printer
// and laser inside the daemon), a temporary state directory, plaintext on
// loopback, serving the built app from the build directory.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const buildDir = path.resolve(process.env.WERKBANK_BUILD_DIR ?? path.join(repoDir, "build"));
const binDir = process.env.WERKBANK_BIN_DIR ?? path.join(buildDir, "bin");

// `tls`: serve over TLS with the daemon's own certificate, as in the lab.
export async function startDaemon({ tls = false } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "werkbank-web-test-"));
  const config = path.join(dir, "lab.textproto");
  const demo = fs.readFileSync(path.join(repoDir, "config", "demo.textproto"), "utf8");
  fs.writeFileSync(config, `${demo}\nweb { app_dir: ${JSON.stringify(path.join(buildDir, "web"))} }\n`);
  const state = path.join(dir, "state");
  const log = fs.openSync(path.join(dir, "werkbankd.log"), "w");
  const child = spawn(
    path.join(binDir, "werkbankd"),
    ["--config", config, "--state-dir", state, "--listen", "127.0.0.1:0", "--web-listen", "127.0.0.1:0", ...(tls ? [] : ["--plaintext"])],
    { stdio: ["ignore", log, log] },
  );
  const logText = () => fs.readFileSync(path.join(dir, "werkbankd.log"), "utf8");
  let exited = false;
  child.on("exit", () => (exited = true));
  const deadline = Date.now() + 30_000;
  let origin = "";
  while (!origin) {
    const m = /web app on (https?:\/\/\S+?)\/?\s/.exec(logText());
    if (m && /serving /.test(logText())) origin = m[1];
    else if (exited || Date.now() > deadline) throw new Error(`werkbankd did not start:\n${logText()}`);
    else await new Promise((r) => setTimeout(r, 50));
  }
  const adminPassword = /^password: (\S+)$/m.exec(fs.readFileSync(path.join(state, "initial-admin-password"), "utf8"))[1];
  return {
    origin,
    adminPassword,
    pid: child.pid,
    log: logText,
    async stop() {
      if (!exited) {
        child.kill("SIGTERM");
        await new Promise((r) => child.once("exit", r));
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
