// SPDX-License-Identifier: EUPL-1.2
// Figures for the web app: the gzipped bundle, and the first load of the app
// over TLS on loopback (a fresh browser context each time, so nothing is
// cached) until the login form can be used. Prints medians; never fails on
// time. Usage: node web/bench/first_load.mjs [RUNS]
import fs from "node:fs";
import path from "node:path";
import { launch } from "../tests/support/browser.mjs";
import { buildDir, startDaemon } from "../tests/support/daemon.mjs";

const runs = Number(process.argv[2] ?? 9);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const webDir = path.join(buildDir, "web");
const gz = fs.readdirSync(webDir).filter((f) => f.endsWith(".gz"));
const gzBytes = gz.reduce((n, f) => n + fs.statSync(path.join(webDir, f)).size, 0);
console.log(`bundle: ${(gzBytes / 1024).toFixed(1)} kB gzipped (${gz.join(", ")})`);

const daemon = await startDaemon({ tls: true });
const browser = await launch();
try {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await ctx.newPage();
    const t0 = performance.now();
    await page.goto(`${daemon.origin}/`);
    await page.getByRole("button", { name: /Log in|Anmelden/ }).waitFor();
    times.push(performance.now() - t0);
    await ctx.close();
  }
  console.log(`first load over TLS on loopback until the login form: median ${median(times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms (${runs} runs, each a new TLS connection and an empty cache)`);
} finally {
  await browser.close();
  await daemon.stop();
}
