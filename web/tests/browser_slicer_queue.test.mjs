// SPDX-License-Identifier: EUPL-1.2
// The API-keys, print-service and print-queue pages in a real browser
// (Debian's Chromium) against the real werkbankd over HTTPS with its own
// certificate: a participant makes a slicer key that is shown once, uses it
// from node as a slicer would and revokes it; another asks the lab for
// prints, is refused a file that fails the preflight, withdraws one, and
// reads a trainer's reason for declining one while the trainer prints the
// last on the demo lab's printer; a key made and revoked with the keyboard
// only; axe on each page, and the headings in German.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { axeViolations, desktop, launch, loginAs } from "./support/browser.mjs";
import { ConnectClient, createUser } from "./support/connect.mjs";
import { startDaemon } from "./support/daemon.mjs";
import { outsidePrinterEnvelope, outsidePrinterEnvelopeLine, printerProgram } from "./support/gcode.mjs";
import { httpsRequest } from "./support/https.mjs";

let daemon, browser, admin, origin;
const pw = {};

before(async () => {
  daemon = await startDaemon({ tls: true });
  origin = daemon.origin;
  assert.match(origin, /^https:/);
  browser = await launch({ certPem: daemon.certPem });
  admin = new ConnectClient(origin, { ca: daemon.certPem });
  await admin.login("admin", daemon.adminPassword);
  pw.pia = await createUser(admin, "pia", ["ROLE_PARTICIPANT"]);
  pw.kai = await createUser(admin, "kai", ["ROLE_PARTICIPANT"]);
  pw.tom = await createUser(admin, "tom", ["ROLE_TRAINER"]);
  // Who starts a print request is briefed on the class like anyone else.
  await admin.call("Trainings", "RecordBriefing", { machineClass: "fdm", participantLogins: ["tom"], note: "printer" });
});

after(async () => {
  await browser?.close();
  await daemon?.stop();
});

const status = (page, kind, text) => page.locator(`.status-${kind}`, { hasText: text }).waitFor();
const heading = (page, name) => page.getByRole("heading", { level: 1, name, exact: true }).waitFor();

// PrusaSlicer's "Test" button: the printer's api/version with the key,
// trusting only the daemon's certificate.
const slicerTest = (key) =>
  httpsRequest(`${origin}/machines/printer-1/api/version`, { headers: { "X-Api-Key": key }, ca: daemon.certPem });

async function openAs(login, route) {
  const ctx = await browser.newContext(desktop);
  const page = await ctx.newPage();
  await loginAs(page, origin, login, pw[login]);
  await page.goto(`${origin}/#/${route}`);
  return page;
}

test("a participant creates a slicer key, sees it once with the printer's address, uses it and revokes it", async () => {
  const page = await openAs("pia", "api-keys");
  await heading(page, "API keys for slicers");
  await page.getByText("You have no API key yet.").waitFor();
  assert.deepEqual(await axeViolations(page), []);

  await page.getByLabel("Label (e.g. PrusaSlicer at home)").fill("PrusaSlicer at home");
  await page.getByRole("button", { name: "Create key" }).click();
  await status(page, "ok", 'Key "PrusaSlicer at home" created.');
  const shown = page.getByRole("region", { name: "Your new key" });
  const secret = (await shown.locator("p code").innerText()).trim();
  assert.match(secret, /^\S{20,}$/);
  const printerLine = shown.locator("li", { hasText: "Prusa-style printer" });
  assert.equal((await printerLine.innerText()).trim(), `Prusa-style printer: ${origin}/machines/printer-1/`);
  assert.deepEqual(await axeViolations(page), []);

  // The slicer's test with the key as shown.
  const works = await slicerTest(secret);
  assert.equal(works.status, 200, works.text);
  assert.match(JSON.parse(works.text).text, /^OctoPrint/);

  // After a reload the key is gone from the page: only its label and first characters.
  await page.reload();
  const row = page.locator("tbody tr", { hasText: "PrusaSlicer at home" });
  await row.waitFor();
  assert.equal(await shown.count(), 0);
  assert.ok(!(await page.locator("body").innerText()).includes(secret), "the key is shown again after a reload");
  const prefix = (await row.locator("code").innerText()).replace(/…$/, "");
  assert.ok(prefix.length >= 4 && prefix.length < secret.length && secret.startsWith(prefix), `prefix ${prefix}`);

  await page.getByRole("button", { name: "Revoke the key PrusaSlicer at home" }).click();
  await status(page, "ok", 'Key "PrusaSlicer at home" revoked; a slicer using it is refused.');
  await row.getByText(/^revoked /).waitFor();
  assert.equal(await row.getByRole("button").count(), 0);
  const refused = await slicerTest(secret);
  console.log(`# the revoked key's test answers ${refused.status}: ${refused.text.trim()}`);
  assert.ok([401, 403].includes(refused.status), `revoked key answered ${refused.status}`);
  await page.context().close();
});

test("a participant asks for prints; a trainer declines one with a reason and prints the other", async () => {
  const page = await openAs("kai", "print-service");
  await heading(page, "Print service");
  await page.getByText("You have asked for no prints yet.").waitFor();
  assert.deepEqual(await axeViolations(page), []);

  const submit = async (name, buffer, note) => {
    await page.getByLabel("G-code file").setInputFiles({ name, mimeType: "text/plain", buffer });
    if (note) await page.getByLabel("Note for the lab (colour, deadline, …)").fill(note);
    await page.getByRole("button", { name: "Ask for the print" }).click();
  };
  const mine = (file) => page.locator(".service-requests > li", { hasText: file });
  await page.getByLabel("Machine class").selectOption({ label: "3D printer" });
  await submit("keyring.gcode", printerProgram(60), "Blue PLA, by Friday please");
  await status(page, "ok", /^Request \d+ is in the queue\.$/);
  await mine("keyring.gcode").locator(".service-state", { hasText: "waiting" }).waitFor();
  assert.match(await mine("keyring.gcode").innerText(), /keyring\.gcode \(3D printer\)/);
  // Sent, the form holds no file any more.
  assert.equal(await page.getByLabel("G-code file").inputValue(), "");
  assert.ok(await page.getByRole("button", { name: "Ask for the print" }).isDisabled());

  // A file outside the printer's envelope: refused with the daemon's words, nothing queued.
  await submit("too-wide.gcode", outsidePrinterEnvelope);
  await status(page, "error", "too-wide.gcode does not pass the preflight");
  const why = await page.locator(".status-error").innerText();
  assert.match(why, new RegExp(`line ${outsidePrinterEnvelopeLine}: .*nothing was queued`));
  assert.equal(await mine("too-wide.gcode").count(), 0);

  await submit("bracket.gcode", printerProgram(30), "PETG, any colour");
  await status(page, "ok", /^Request \d+ is in the queue\.$/);
  await mine("bracket.gcode").locator(".service-state", { hasText: "waiting" }).waitFor();
  // One more, withdrawn again by its owner: it never reaches the queue.
  await submit("spare.gcode", printerProgram(10));
  await status(page, "ok", /^Request \d+ is in the queue\.$/);
  await page.getByRole("button", { name: "Withdraw spare.gcode" }).click();
  await status(page, "ok", "spare.gcode withdrawn; the lab will not print it.");
  await mine("spare.gcode").locator(".service-state", { hasText: "withdrawn" }).waitFor();
  assert.equal(await mine("spare.gcode").getByRole("button").count(), 0);
  assert.deepEqual(await axeViolations(page), []);

  // The trainer's queue: both requests with their notes.
  const queue = await openAs("tom", "service-queue");
  await heading(queue, "Print service queue");
  // Each request is a group named by its heading, which holds its fields and buttons.
  const entry = (file) => queue.getByRole("group", { name: new RegExp(`^${file.replace(".", "\\.")} — `) });
  await entry("keyring.gcode").getByText("Blue PLA, by Friday please").waitFor();
  assert.equal(await entry("keyring.gcode").getByRole("heading").innerText(), "keyring.gcode — kai (3D printer)");
  await entry("bracket.gcode").getByText("PETG, any colour").waitFor();
  assert.equal(await entry("spare.gcode").count(), 0);
  assert.deepEqual(await axeViolations(queue), []);

  const reason = "PETG is out until January; please ask again then";
  await entry("bracket.gcode").getByLabel("Reason (the person who asked reads it)").fill(reason);
  await entry("bracket.gcode").getByRole("button", { name: "Decline" }).click();
  // The entry and its button go away: the keyboard is at the message.
  await queue.locator(".status-ok:focus", { hasText: "bracket.gcode of kai declined; they read your reason on their page." }).waitFor();
  await entry("bracket.gcode").waitFor({ state: "detached" });

  await page.reload();
  await mine("bracket.gcode").locator(".service-state", { hasText: "declined" }).waitFor();
  await mine("bracket.gcode").getByText(`Declined: ${reason}`).waitFor();

  // The trainer books the printer now, checks in and unlocks it (through
  // the API: the calendar and machine pages have their own test), then
  // prints the other request on it from the queue.
  const tom = new ConnectClient(origin, { ca: daemon.certPem });
  await tom.login("tom", pw.tom);
  // The current slot of the 30-minute grid.
  const start = new Date(Math.floor(Date.now() / 1_800_000) * 1_800_000);
  const made = await tom.call("Bookings", "CreateReservation", {
    machineId: "printer-1",
    time: { start: start.toISOString(), end: new Date(start.getTime() + 3_600_000).toISOString() },
  });
  await tom.call("Bookings", "CheckIn", { id: made.reservations[0].id });
  await tom.call("Machines", "Unlock", { id: "printer-1" });
  await queue.reload();
  const keyring = entry("keyring.gcode");
  await keyring.getByLabel("Machine (unlocked by you)").selectOption("printer-1");
  await keyring.getByRole("button", { name: "Print it" }).click();
  await status(queue, "ok", /^Started on printer-1 as job \d+\.$/);
  await queue.getByText("Nobody is waiting for a print.").waitFor();

  await page.reload();
  await mine("keyring.gcode").locator(".service-state", { hasText: /^(printing|done)$/ }).waitFor();
  await queue.context().close();
  await page.context().close();
});

test("keyboard only: a key is created and revoked with Tab and Enter, and the focus lands on the message", async () => {
  const page = await openAs("pia", "api-keys");
  await heading(page, "API keys for slicers");
  const focused = () =>
    page.evaluate(() => {
      const e = document.activeElement;
      return { tag: e.tagName, cls: e.className, aria: e.getAttribute("aria-label") ?? "", text: e.innerText ?? "", label: e.closest("label")?.innerText ?? "" };
    });
  const tabTo = async (ok, what) => {
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press("Tab");
      if (ok(await focused())) return;
    }
    throw new Error(`Tab never reached ${what}`);
  };

  await tabTo((f) => f.tag === "INPUT" && f.label.startsWith("Label"), "the label field");
  await page.keyboard.type("OrcaSlicer in the lab");
  await page.keyboard.press("Enter");
  // The message takes the focus once it is shown (waited for, not assumed at once).
  await page.locator(".status-ok:focus", { hasText: 'Key "OrcaSlicer in the lab" created.' }).waitFor();
  // Next comes the key and the button that hides it; the keyboard then goes on at the list.
  await page.keyboard.press("Tab");
  let f = await focused();
  assert.equal(f.text, "Done, hide the key");
  await page.keyboard.press("Enter");
  await page.getByRole("region", { name: "Your new key" }).waitFor({ state: "detached" });
  f = await focused();
  assert.equal(f.text, "My keys", `focus on ${f.tag} ${f.text}`);

  await tabTo((f) => f.aria === "Revoke the key OrcaSlicer in the lab", "the key's Revoke button");
  await page.keyboard.press("Enter");
  await page.locator(".status-ok:focus", { hasText: 'Key "OrcaSlicer in the lab" revoked; a slicer using it is refused.' }).waitFor();
  await page.locator("tbody tr", { hasText: "OrcaSlicer in the lab" }).getByText(/^revoked /).waitFor();
  await page.context().close();
});

test("the three pages in German: headings, no untranslated strings, no serious axe findings", async () => {
  const { en } = await import("./support/strings.mjs");
  const keys = Object.keys(en).filter((k) => k.includes("_"));
  const ctx = await browser.newContext({ ...desktop, locale: "de-DE" });
  const page = await ctx.newPage();
  await page.goto(`${origin}/`);
  await page.locator('input[name="login"]').fill("tom");
  await page.locator('input[name="password"]').fill(pw.tom);
  await page.locator('button[type="submit"]').click();
  await page.locator("header nav").waitFor();
  const problems = [];
  // Each page with its title and what it shows once its list has come.
  for (const [route, title, loaded] of [
    ["api-keys", "API-Schlüssel für Slicer", "Du hast noch keinen API-Schlüssel."],
    ["print-service", "Druckservice", "Du hast noch keinen Druck angefragt."],
    ["service-queue", "Warteschlange des Druckservice", "Niemand wartet auf einen Druck."],
  ]) {
    await page.goto(`${origin}/#/${route}`);
    await heading(page, title);
    await page.getByText(loaded).or(page.locator(".service-queue > li").first()).waitFor();
    const text = await page.locator("body").innerText();
    const raw = keys.filter((k) => new RegExp(`(^|\\s)${k}(\\s|$)`).test(text));
    if (raw.length) problems.push(`${route}: untranslated ${raw.join(", ")}`);
    for (const v of await axeViolations(page)) problems.push(`${route}: ${v}`);
  }
  await ctx.close();
  assert.deepEqual(problems, []);
});
