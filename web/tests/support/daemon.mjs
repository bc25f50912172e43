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
  // The laser is a werkbank-sim process on a pseudo-terminal, as in the C++
  // end-to-end tests, so that a test can read what the firmware does (the
  // beam) from its state file; the printer stays inside the daemon.
  const laserDev = path.join(dir, "laser.dev");
  const laserStateFile = path.join(dir, "laser.state");
  const laserSim = spawn(
    path.join(binDir, "werkbank-sim"),
    ["grbl", "--block-us", "2000", "--state-file", laserStateFile, "--link", laserDev],
    { stdio: "ignore" },
  );
  for (let i = 0; i < 200 && !fs.existsSync(laserDev); ++i) await new Promise((r) => setTimeout(r, 10));
  if (!fs.existsSync(laserDev)) throw new Error("werkbank-sim grbl did not start");
  const demo = fs
    .readFileSync(path.join(repoDir, "config", "demo.textproto"), "utf8")
    .replace('port: "sim:grbl"', `port: ${JSON.stringify(laserDev)}`);
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
  // The daemon's own certificate (its trust root) when it serves HTTPS.
  const certPem = tls ? fs.readFileSync(path.join(state, "tls", "cert.pem"), "utf8") : undefined;
  return {
    origin,
    adminPassword,
    certPem,
    pid: child.pid,
    log: logText,
    // What the simulated laser's firmware reports: laser_on, state, accepted, …
    laserState() {
      const out = {};
      const text = fs.existsSync(laserStateFile) ? fs.readFileSync(laserStateFile, "utf8") : "";
      for (const line of text.split("\n")) {
        const eq = line.indexOf("=");
        if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
      }
      return out;
    },
    async stop() {
      if (!exited) {
        child.kill("SIGTERM");
        await new Promise((r) => child.once("exit", r));
      }
      laserSim.kill("SIGTERM");
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
