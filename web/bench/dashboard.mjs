// SPDX-License-Identifier: EUPL-1.2
// Figures for the staff dashboard: how long a machine event takes to show on
// an open dashboard (staff block and unblock the printer; the card's state is
// watched with a MutationObserver), and the daemon's CPU while BROWSERS staff
// dashboards watch a running laser job. Prints medians and p99; never fails
// on time. Usage: node web/bench/dashboard.mjs [EVENTS] [BROWSERS]
import fs from "node:fs";
import { launch, loginAs } from "../tests/support/browser.mjs";
import { ConnectClient, createUser } from "../tests/support/connect.mjs";
import { startDaemon } from "../tests/support/daemon.mjs";
import { laserProgram } from "../tests/support/gcode.mjs";

const events = Number(process.argv[2] ?? 100);
const browsers = Number(process.argv[3] ?? 20);
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const cpuTicks = (pid) => fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ").slice(11, 13).reduce((a, b) => a + Number(b), 0);

const daemon = await startDaemon();
const browser = await launch();
const admin = new ConnectClient(daemon.origin);
await admin.login("admin", daemon.adminPassword);
try {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-GB" });
  const page = await ctx.newPage();
  await loginAs(page, daemon.origin, "admin", daemon.adminPassword);
  await page.goto(`${daemon.origin}/#/staff`);
  await page.locator('[data-machine="printer-1"] .state').waitFor();
  const latencies = [];
  for (let i = 0; i < events; i++) {
    const want = i % 2 === 0 ? "blocked" : "locked";
    const seen = page.evaluate(
      (want) =>
        new Promise((resolve) => {
          const el = () => document.querySelector('[data-machine="printer-1"] .state');
          const done = () => el()?.textContent === want && (resolve(performance.timeOrigin + performance.now()), true);
          if (done()) return;
          const obs = new MutationObserver(() => done() && obs.disconnect());
          obs.observe(document.body, { subtree: true, childList: true, characterData: true });
        }),
      want,
    );
    const t0 = Date.now();
    await admin.call("Machines", i % 2 === 0 ? "Block" : "Unblock", { id: "printer-1", reason: "bench" });
    latencies.push((await seen) - t0);
  }
  console.log(`event (Block/Unblock call) to visible on the dashboard: p50 ${pct(latencies, 0.5).toFixed(0)} ms, p99 ${pct(latencies, 0.99).toFixed(0)} ms (${events} events)`);

  // Staff run a long laser job; BROWSERS dashboards watch it.
  await admin.call("Machines", "Unlock", { id: "laser-1" });
  const up = await fetch(`${daemon.origin}/upload/job?machine_id=laser-1&file_name=bench.gcode&dry_run_on_machine=false`, {
    method: "POST",
    headers: { "Connect-Protocol-Version": "1", Cookie: admin.cookie },
    body: laserProgram(25000),
  }).then((r) => r.json());
  if (!up.id) throw new Error(`upload refused: ${JSON.stringify(up)}`);
  await admin.call("Jobs", "StartJob", { id: up.id, confirmedInterlocks: ["extraction"] });
  const pages = [page];
  // One staff account per browser: a person may hold only a few streams.
  for (let i = 1; i < browsers; i++) {
    const password = await createUser(admin, `staff${i}`, ["ROLE_STAFF"]);
    const c = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-GB" });
    const p = await c.newPage();
    await loginAs(p, daemon.origin, `staff${i}`, password);
    await p.goto(`${daemon.origin}/#/staff`);
    pages.push(p);
  }
  await Promise.all(pages.map((p) => p.locator('[data-machine="laser-1"] .percent').waitFor()));
  const hz = 100; // USER_HZ
  const c0 = cpuTicks(daemon.pid);
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, 10_000));
  const cpu = (cpuTicks(daemon.pid) - c0) / hz / ((Date.now() - t0) / 1000);
  console.log(`daemon CPU with ${pages.length} open dashboards while the laser job streams: ${(cpu * 100).toFixed(1)} % of one core (includes streaming the job)`);
} finally {
  await browser.close();
  await daemon.stop();
}
