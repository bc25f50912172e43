// SPDX-License-Identifier: EUPL-1.2
// Debian's Chromium driven by playwright-core (no browser download), and
// axe-core run inside the page.
import crypto from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

// `certPem`: a daemon serving HTTPS with its own certificate, which this
// browser accepts by its public key (and no other).
export function launch({ certPem } = {}) {
  const trust = certPem ? [`--ignore-certificate-errors-spki-list=${spkiHash(certPem)}`] : [];
  return chromium.launch({
    executablePath: process.env.WERKBANK_CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync", ...trust],
  });
}

// Base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo, as
// Chromium's flag takes it.
function spkiHash(certPem) {
  const spki = new crypto.X509Certificate(certPem).publicKey.export({ type: "spki", format: "der" });
  return crypto.createHash("sha256").update(spki).digest("base64");
}

export const phone = { viewport: { width: 360, height: 740 }, locale: "en-GB" };
export const desktop = { viewport: { width: 1280, height: 800 }, locale: "en-GB" };

// Logs in through the login page.
export async function loginAs(page, origin, login, password) {
  await page.goto(`${origin}/`);
  await page.getByLabel("Login name").fill(login);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("button", { name: "Log out" }).waitFor();
}

// axe-core's serious and critical findings on the page as it is now.
export async function axeViolations(page) {
  // The CSP allows no inline script, so axe comes in as a script file's text
  // evaluated by the test harness (devtools protocol), not the page.
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}
