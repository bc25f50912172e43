// SPDX-License-Identifier: EUPL-1.2
// The app in a real browser (Debian's Chromium) against the real werkbankd
// with the demo lab's simulated laser: a participant on a phone books, is
// refused an overlapping booking, checks in, unlocks, uploads, sees a
// preflight violation with its line, runs a good job to the end while staff
// watch it live, and staff stop the next one with one click. Then roles,
// logout and revoked sessions, a trainer's briefing, workshop accounts and a
// workshop booking, staff creating a user with a card, visits and the yearly
// impact report, a person's own data and anonymising, both languages and axe.
import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, test } from "node:test";
import { axeViolations, desktop, launch, loginAs, phone } from "./support/browser.mjs";
import { ConnectClient, createUser } from "./support/connect.mjs";
import { startDaemon } from "./support/daemon.mjs";
import { laserProgram, outsideEnvelope, outsideEnvelopeLine } from "./support/gcode.mjs";

let daemon, browser, admin;
const pw = {};

before(async () => {
  daemon = await startDaemon();
  browser = await launch();
  admin = new ConnectClient(daemon.origin);
  await admin.login("admin", daemon.adminPassword);
  pw.paula = await createUser(admin, "paula", ["ROLE_PARTICIPANT"]);
  pw.bob = await createUser(admin, "bob", ["ROLE_PARTICIPANT"]);
  pw.tina = await createUser(admin, "tina", ["ROLE_TRAINER"]);
  pw.sam = await createUser(admin, "sam", ["ROLE_STAFF"]);
  pw.quinn = await createUser(admin, "quinn", ["ROLE_PARTICIPANT"]);
  for (const p of ["p1", "p2", "p3"]) pw[p] = await createUser(admin, p, ["ROLE_PARTICIPANT"]);
  await admin.call("Trainings", "RecordBriefing", { machineClass: "laser", participantLogins: ["paula"], note: "laser safety" });
});

after(async () => {
  await browser?.close();
  await daemon?.stop();
});

const status = (page, kind, text) => page.locator(`.status-${kind}`, { hasText: text }).waitFor();

// Polls `ok` until it holds, for what a page cannot show (the firmware's state).
async function waitFor(ok, what, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("a participant on a phone books, runs a job to the end while staff watch, and staff stop the next one", async () => {
  const phoneCtx = await browser.newContext(phone);
  const page = await phoneCtx.newPage();
  await loginAs(page, daemon.origin, "paula", pw.paula);

  await page.goto(`${daemon.origin}/#/calendar`);
  await page.getByLabel("Machine").selectOption("laser-1");
  const slots = page.locator("button.slot");
  await slots.nth(4).waitFor();
  const labels = await slots.evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")));
  const slot = (i) => page.getByRole("button", { name: labels[i], exact: true });
  const book = async (i, minutes) => {
    await slot(i).click();
    await page.getByLabel("Length").selectOption(String(minutes));
    await page.getByRole("button", { name: "Book", exact: true }).click();
  };

  // A later slot, then one that reaches into it: the daemon refuses and says why.
  await book(3, 30);
  await status(page, "ok", "Booked");
  await book(2, 60);
  await status(page, "error", "already booked");
  // The current slot, checked in.
  await book(0, 60);
  await status(page, "ok", "Booked");
  const mine = page.locator(".reservation", { hasText: labels[0] });
  await mine.getByRole("button", { name: "Check in" }).click();
  await status(page, "ok", "Checked in");
  await mine.getByRole("link", { name: "Go to the machine" }).click();

  await page.getByRole("button", { name: "Unlock" }).click();
  await status(page, "ok", "Unlocked");
  const file = page.locator('input[type="file"]');
  await file.setInputFiles({ name: "outside.gcode", mimeType: "text/plain", buffer: outsideEnvelope });
  await page.locator(".preflight.failed .violations", { hasText: `Line ${outsideEnvelopeLine}:` }).waitFor();
  assert.match(await page.locator(".violations").innerText(), /envelope/);

  // Staff open the dashboard before the job starts and never reload it.
  const staffCtx = await browser.newContext(desktop);
  const staff = await staffCtx.newPage();
  await loginAs(staff, daemon.origin, "sam", pw.sam);
  await staff.goto(`${daemon.origin}/#/staff`);
  await staff.locator(".live.on").waitFor();
  const laserCard = staff.locator('[data-machine="laser-1"]');

  await file.setInputFiles({ name: "plate.gcode", mimeType: "text/plain", buffer: laserProgram(1500) });
  await page.locator(".preflight.ok").waitFor();
  await page.getByLabel("Extraction is on").check();
  await page.getByRole("button", { name: "Start" }).click();

  // The dashboard's percentage changes live while the job runs.
  const seen = new Set();
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const text = await laserCard.locator(".percent").innerText({ timeout: 100 }).catch(() => "");
    if (text) seen.add(text);
    if (await page.locator(".job-state", { hasText: "completed" }).count()) break;
    await staff.waitForTimeout(50);
  }
  await page.locator(".job-state", { hasText: "completed" }).waitFor();
  const between = [...seen].filter((p) => p !== "0 %" && p !== "100 %");
  assert.ok(between.length >= 1 && seen.size >= 2, `dashboard showed ${[...seen].join(", ")}`);
  await page.locator(".percent", { hasText: "100 %" }).waitFor();

  // A long job, paused and resumed by its owner; staff stop it with one click on the laser's card.
  await file.setInputFiles({ name: "long.gcode", mimeType: "text/plain", buffer: laserProgram(20000) });
  await page.locator(".preflight.ok").waitFor();
  await page.getByLabel("Extraction is on").check();
  await page.getByRole("button", { name: "Start" }).click();
  await page.getByRole("button", { name: /EMERGENCY STOP/ }).waitFor();
  await laserCard.locator(".percent").waitFor();
  // The participant pauses and resumes it; only a person resumes.
  await page.getByRole("button", { name: "Pause" }).click();
  await page.locator(".job-state", { hasText: "paused" }).waitFor();
  await laserCard.locator(".state", { hasText: "paused" }).waitFor();
  await page.getByRole("button", { name: "Resume" }).click();
  await page.locator(".job-state", { hasText: "running" }).waitFor();
  await laserCard.locator(".state", { hasText: "running" }).waitFor();
  await waitFor(() => daemon.laserState().laser_on === "1", "the laser's beam to fire");
  const clicked = Date.now();
  await laserCard.getByRole("button", { name: /EMERGENCY STOP/ }).click();
  await status(staff, "ok", "was stopped");
  console.log(`# stop click to confirmation on the dashboard: ${Date.now() - clicked} ms`);
  await laserCard.locator(".state", { hasText: /^(?!running)/ }).waitFor();
  assert.doesNotMatch(await laserCard.locator(".state").innerText(), /running/);
  const machine = await admin.call("Machines", "GetMachine", { id: "laser-1" });
  assert.notEqual(machine.state, "MACHINE_STATE_RUNNING");
  await page.locator(".job-state", { hasText: /cancelled|failed|interrupted/ }).waitFor();
  // The simulated laser's firmware reports the beam off.
  await waitFor(() => daemon.laserState().laser_on === "0", "the laser's beam to go off");
  await staffCtx.close();
  await phoneCtx.close();
});

test("a trainer records a briefing for three participants", async () => {
  const ctx = await browser.newContext(desktop);
  const page = await ctx.newPage();
  await loginAs(page, daemon.origin, "tina", pw.tina);
  await page.goto(`${daemon.origin}/#/trainer`);
  await page.getByLabel("Machine class").selectOption("laser");
  for (const p of ["p1", "p2", "p3"]) await page.getByLabel(`${p} (${p})`).check();
  await page.getByRole("button", { name: "Record briefing" }).click();
  await status(page, "ok", "3 qualified: p1, p2, p3");
  const quals = await admin.call("Trainings", "ListQualifications", { login: "p2" });
  assert.equal(quals.qualifications?.[0]?.machineClass, "laser");
  await ctx.close();
});

test("a trainer creates three workshop accounts, prints their one-time passwords, and books a workshop", async () => {
  const ctx = await browser.newContext(desktop);
  const page = await ctx.newPage();
  await loginAs(page, daemon.origin, "tina", pw.tina);
  await page.goto(`${daemon.origin}/#/trainer`);
  await page.getByLabel("Or how many accounts").fill("3");
  await page.getByLabel("Login prefix").fill("ws");
  await page.getByRole("button", { name: "Create workshop accounts" }).click();
  await status(page, "ok", "3 accounts created");
  const cards = page.locator(".account-card");
  assert.equal(await cards.count(), 3);
  const sheet = {};
  for (let i = 0; i < 3; i++) sheet[await cards.nth(i).locator(".card-login").innerText()] = await cards.nth(i).locator(".card-password").innerText();
  assert.deepEqual(Object.keys(sheet).sort(), ["ws-1", "ws-2", "ws-3"]);
  for (const login of Object.keys(sheet)) assert.ok(await page.getByLabel(`${login} (${login})`).isChecked(), `${login} picked`);
  assert.deepEqual(await axeViolations(page), []);
  // Printed, the page is only the cards.
  await page.emulateMedia({ media: "print" });
  assert.ok(await cards.first().isVisible());
  for (const other of ["main h1", "header", "button >> text=Print the sheet", "label >> text=Login prefix"]) {
    assert.equal(await page.locator(other).first().isVisible(), false, `${other} printed`);
  }
  await page.emulateMedia({ media: "screen" });

  // One of them logs in with the one-time password from the sheet.
  const phoneCtx = await browser.newContext(phone);
  await loginAs(await phoneCtx.newPage(), daemon.origin, "ws-2", sheet["ws-2"]);
  await phoneCtx.close();

  // The trainer books a workshop for two of them on the calendar.
  await page.goto(`${daemon.origin}/#/calendar`);
  await page.getByLabel("Machine").selectOption("printer-1");
  await page.locator("button.slot").nth(1).click();
  await page.getByLabel("Kind of booking").selectOption({ label: "Workshop" });
  await page.getByLabel("Participants (logins, separated by commas)").fill("ws-1, ws-2");
  await page.getByLabel("Note").fill("First print");
  await page.getByRole("button", { name: "Book", exact: true }).click();
  await status(page, "ok", "Booked");
  const all = await admin.call("Bookings", "ListReservations", { allUsers: true, machineId: "printer-1" });
  const workshop = all.reservations.find((r) => r.note === "First print");
  assert.equal(workshop?.kind, "RESERVATION_KIND_WORKSHOP");
  assert.deepEqual(workshop.participantLogins, ["ws-1", "ws-2"]);
  await ctx.close();
});

test("staff create a user, change their roles and set a card, and the user logs in with card and PIN", async () => {
  const ctx = await browser.newContext(desktop);
  const staff = await ctx.newPage();
  await loginAs(staff, daemon.origin, "sam", pw.sam);
  await staff.goto(`${daemon.origin}/#/users`);
  const create = staff.getByRole("form", { name: "New user" });
  await create.getByLabel("Login name").fill("carla");
  await create.getByLabel("Name", { exact: true }).fill("Carla Kurz");
  await create.getByLabel("User group").selectOption({ label: "Club" });
  await create.getByRole("button", { name: "Create user" }).click();
  await status(staff, "ok", "User carla created.");
  assert.ok((await create.locator(".new-password code").innerText()).length >= 8);
  await staff.locator("td", { hasText: "Carla Kurz" }).waitFor();
  // A login the daemon refuses: its own words.
  await create.getByLabel("Login name").fill("Carla!");
  await create.getByRole("button", { name: "Create user" }).click();
  await status(staff, "error", "login");

  const edit = staff.getByRole("group", { name: "Change a user" });
  await edit.getByLabel("Login name").selectOption("carla");
  await edit.getByLabel("Trainer").check();
  await edit.getByRole("button", { name: "Save user" }).click();
  await status(staff, "ok", "User carla saved.");
  await edit.getByLabel("Card number (UID)").fill("04C0FFEE");
  await edit.getByLabel("PIN").fill("2468");
  await edit.getByRole("button", { name: "Set card and PIN" }).click();
  await status(staff, "ok", "Card and PIN of carla set.");
  const carla = await admin.call("Accounts", "GetUser", { login: "carla" });
  assert.deepEqual([...carla.roles].sort(), ["ROLE_PARTICIPANT", "ROLE_TRAINER"]);
  assert.equal(carla.group, "USER_GROUP_CLUB");
  assert.equal(carla.hasCard, true);
  await ctx.close();

  const kiosk = await (await browser.newContext(phone)).newPage();
  await kiosk.goto(`${daemon.origin}/`);
  await kiosk.getByRole("tab", { name: "Card and PIN" }).click();
  await kiosk.getByLabel("Card number (UID)").fill("04C0FFEE");
  await kiosk.getByLabel("PIN").fill("2468");
  await kiosk.getByRole("button", { name: "Log in" }).click();
  await kiosk.getByRole("link", { name: "Briefings" }).waitFor();
  await kiosk.context().close();
});

test("a trainer records visits, staff read the year's impact report, a participant gets their data but not the report", async () => {
  const year = new Date().getFullYear();
  const ctx = await browser.newContext({ ...desktop, acceptDownloads: true });
  const trainer = await ctx.newPage();
  await loginAs(trainer, daemon.origin, "tina", pw.tina);
  await trainer.goto(`${daemon.origin}/#/visits`);
  await trainer.getByLabel("Date").fill(`${year}-06-15`);
  await trainer.getByLabel("Group type").first().selectOption("school_class");
  await trainer.getByLabel("Laser cutter").check();
  // A wrong head-count: the daemon's own words, at the field.
  await trainer.getByLabel("Head-count").fill("0");
  await trainer.getByRole("button", { name: "Record visit" }).click();
  await trainer.locator("#visit-error-head_count", { hasText: "head-count must be 1 to 10000, not 0" }).waitFor();
  assert.equal(await trainer.getByLabel("Head-count").getAttribute("aria-invalid"), "true");
  await trainer.getByLabel("Head-count").fill("12");
  await trainer.getByLabel("First time in the lab").fill("4");
  await trainer.getByRole("button", { name: "Record visit" }).click();
  await status(trainer, "ok", "Visit recorded: 12 people, School class.");
  await trainer.locator("table.visits td", { hasText: "School class" }).waitFor();
  // A booked workshop becomes a visit with one click.
  const tina = new ConnectClient(daemon.origin);
  await tina.login("tina", pw.tina);
  const tomorrow = new Date(Date.now() + 86_400_000);
  tomorrow.setUTCHours(10, 0, 0, 0);
  const workshopTime = { start: tomorrow.toISOString(), end: new Date(tomorrow.getTime() + 2 * 3_600_000).toISOString() };
  await tina.call("Bookings", "CreateReservation", { machineId: "printer-1", kind: "RESERVATION_KIND_WORKSHOP", time: workshopTime, participantLogins: ["p1", "p2"], note: "Printing a keyring" });
  await trainer.reload();
  await trainer.getByLabel("Group type").nth(1).selectOption("citizens");
  const workshop = trainer.locator("li.workshop", { hasText: "Printing a keyring" });
  await workshop.getByRole("button", { name: "Record as visit" }).click();
  await status(trainer, "ok", "Visit recorded: 3 people, Citizens.");
  await workshop.getByText("recorded as a visit").waitFor();
  // Two more groups, one of them below the minimum size of 5.
  const start = new Date(Date.UTC(year, 5, 16, 13)).toISOString();
  for (const [groupType, headCount] of [["citizens", 5], ["club", 3]]) {
    await admin.call("Visits", "RecordVisit", { visit: { start, durationMinutes: 60, groupType, headCount } });
  }

  await ctx.close();

  const staffCtx = await browser.newContext({ ...desktop, acceptDownloads: true });
  const staff = await staffCtx.newPage();
  await loginAs(staff, daemon.origin, "sam", pw.sam);
  await staff.goto(`${daemon.origin}/#/impact`);
  const byGroup = staff.locator('[data-table="visits_by_group"]');
  const people = (group) => byGroup.locator(`tr[data-row="${group}"] td`).nth(1);
  await people("school_class").waitFor();
  assert.equal(await people("school_class").innerText(), "12");
  assert.equal(await people("club").innerText(), "×");
  // The club's 3 are pinned by the total unless another figure is hidden
  // too; that one reads exactly like the club's, so neither can be told
  // apart from the other.
  const hidden = await byGroup.locator("td.suppressed").allInnerTexts();
  assert.ok(hidden.length >= 2, `hidden cells: ${hidden}`);
  assert.deepEqual([...new Set(hidden)], ["×"]);
  await staff.getByText("× hidden: a figure about fewer than 5 people, or one from which such a figure could be worked out.").waitFor();
  const [csv] = await Promise.all([staff.waitForEvent("download"), byGroup.getByRole("button", { name: /^CSV:/ }).click()]);
  const csvText = fs.readFileSync(await csv.path(), "utf8");
  assert.match(csvText, /^school_class,1,12$/m);
  assert.match(csvText, /^club,1,×$/m);
  assert.doesNotMatch(csvText, /<5/);

  // Staff anonymise a person behind a confirmation that names them.
  await staff.goto(`${daemon.origin}/#/users`);
  await staff.getByRole("button", { name: "Anonymise quinn" }).click();
  const dialog = staff.getByRole("alertdialog", { name: "Anonymise quinn (quinn)?" });
  assert.match(await dialog.innerText(), /cannot be undone/);
  await dialog.getByLabel("Reason").fill("asked by email");
  await dialog.getByRole("button", { name: "Anonymise quinn (quinn) for good" }).click();
  await status(staff, "ok", "quinn (quinn) was anonymised");
  await staffCtx.close();

  // A participant downloads their own data, and is refused the report.
  const phoneCtx = await browser.newContext({ ...phone, acceptDownloads: true });
  const page = await phoneCtx.newPage();
  await loginAs(page, daemon.origin, "paula", pw.paula);
  await page.goto(`${daemon.origin}/#/my-data`);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download my data (JSON)" }).click()]);
  assert.equal(download.suggestedFilename(), "werkbank-my-data-paula.json");
  const data = JSON.parse(fs.readFileSync(await download.path(), "utf8"));
  assert.equal(data.user.login, "paula");
  assert.equal(await page.getByRole("link", { name: "Impact" }).count(), 0);
  for (const route of ["impact", "visits"]) {
    await page.goto(`${daemon.origin}/#/${route}`);
    await page.getByText("This page is for staff only.").waitFor();
    assert.equal(await page.locator(".impact-table, .visit-form").count(), 0);
  }
  const paula = new ConnectClient(daemon.origin);
  await paula.login("paula", pw.paula);
  await assert.rejects(paula.call("Reports", "GetImpactReport", { year }), (e) => e.code === "permission_denied");
  await phoneCtx.close();
});

test("a participant logs in with card and PIN, is refused unqualified with the reason, and cannot reach staff pages", async () => {
  const ctx = await browser.newContext(phone);
  const page = await ctx.newPage();
  // Bob logs in at the kiosk with his card and PIN.
  await admin.call("Accounts", "SetCard", { login: "bob", cardUid: "04A1B2C3", pin: "4711" });
  await page.goto(`${daemon.origin}/`);
  await page.getByRole("tab", { name: "Card and PIN" }).click();
  await page.getByLabel("Card number (UID)").fill("04A1B2C3");
  await page.getByLabel("PIN").fill("4711");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("button", { name: "Log out" }).waitFor();
  await page.goto(`${daemon.origin}/#/calendar`);
  await page.getByLabel("Machine").selectOption("laser-1");
  await page.locator("button.slot").nth(6).click();
  await page.getByRole("button", { name: "Book", exact: true }).click();
  await status(page, "error", "not qualified");

  assert.equal(await page.getByRole("link", { name: "Dashboard" }).count(), 0);
  for (const route of ["staff", "users", "audit", "impact"]) {
    await page.goto(`${daemon.origin}/#/${route}`);
    await page.getByText("This page is for staff only.").waitFor();
    assert.equal(await page.locator(".dashboard, table").count(), 0);
  }
  // And the API itself says no.
  const bob = new ConnectClient(daemon.origin);
  await bob.login("bob", pw.bob);
  for (const [service, method, body] of [["Audit", "ListAuditEvents", {}], ["Machines", "Block", { id: "laser-1", reason: "x" }], ["Accounts", "ListUsers", {}]]) {
    await assert.rejects(bob.call(service, method, body), (e) => e.code === "permission_denied", `${service}/${method}`);
  }
  await ctx.close();
});

test("logout and a revoked session end the live dashboard and show the login", async () => {
  const ctx = await browser.newContext(desktop);
  const page = await ctx.newPage();
  await loginAs(page, daemon.origin, "sam", pw.sam);
  await page.goto(`${daemon.origin}/#/staff`);
  await page.locator(".live.on").waitFor();
  await page.getByRole("button", { name: "Log out" }).click();
  await page.getByRole("button", { name: "Log in" }).waitFor();
  await page.goto(`${daemon.origin}/#/staff`);
  await page.getByRole("button", { name: "Log in" }).waitFor();

  await loginAs(page, daemon.origin, "sam", pw.sam);
  await page.goto(`${daemon.origin}/#/staff`);
  await page.locator(".live.on").waitFor();
  const revoked = Date.now();
  await admin.call("Accounts", "RevokeSessions", { login: "sam" });
  await page.getByRole("button", { name: "Log in" }).waitFor({ timeout: 10_000 });
  console.log(`# revoked session to login page: ${Date.now() - revoked} ms`);
  await ctx.close();
});

test("every page in English and German: no missing strings, no serious axe findings", async () => {
  const { en } = await import("./support/strings.mjs");
  const keys = Object.keys(en);
  const problems = [];
  for (const locale of ["en-GB", "de-DE"]) {
    const ctx = await browser.newContext({ ...desktop, locale });
    const page = await ctx.newPage();
    await page.goto(`${daemon.origin}/`);
    await page.locator("form").waitFor();
    const check = async (name) => {
      const text = await page.locator("body").innerText();
      const raw = keys.filter((k) => new RegExp(`(^|\\s)${k}(\\s|$)`).test(text) && k.includes("_"));
      if (raw.length) problems.push(`${locale} ${name}: untranslated ${raw.join(", ")}`);
      for (const v of await axeViolations(page)) problems.push(`${locale} ${name}: ${v}`);
    };
    await check("login");
    await page.locator('input[name="login"]').fill("admin");
    await page.locator('input[name="password"]').fill(daemon.adminPassword);
    await page.locator('button[type="submit"]').click();
    await page.locator("header nav").waitFor();
    for (const route of ["lab", "calendar", "machine/laser-1", "trainer", "visits", "staff", "users", "audit", "impact", "usage", "my-data"]) {
      await page.goto(`${daemon.origin}/#/${route}`);
      await page.locator("main h1").waitFor();
      await page.waitForTimeout(300);
      await check(route);
    }
    // The forms that open on a choice: a user to change, a slot to book.
    await page.goto(`${daemon.origin}/#/users`);
    await page.locator("main select").last().selectOption("admin");
    await page.locator('input[type="password"]').waitFor();
    await check("users: change a user");
    await page.goto(`${daemon.origin}/#/calendar`);
    await page.locator("button.slot").first().click();
    await page.locator(".book-form select").last().selectOption({ index: 2 });
    await page.locator(".book-form input[type=checkbox]").waitFor();
    await check("calendar: a maintenance booking");
    await ctx.close();
  }
  assert.deepEqual(problems, []);
});
