// SPDX-License-Identifier: EUPL-1.2
// Lab time in the browser: days and slots in the lab's zone across the DST
// changes, and a local time that occurs twice shows its offset.
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const webDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");

// The TypeScript modules, bundled for node on the fly.
async function load(entry) {
  const out = await esbuild.build({ absWorkingDir: webDir, entryPoints: [entry], bundle: true, write: false, format: "esm", platform: "node" });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString("base64")}`);
}

const zone = "Europe/Berlin";
const lt = await load("src/common/lab_time.ts");
const { slotsOf } = await load("src/calendar/slots.ts");

test("the hour the clocks go back shows its offset, other times do not", () => {
  assert.equal(lt.formatTime(new Date("2026-10-25T00:30:00Z"), zone), "02:30 +02:00");
  assert.equal(lt.formatTime(new Date("2026-10-25T01:30:00Z"), zone), "02:30 +01:00");
  assert.equal(lt.formatTime(new Date("2026-10-25T09:00:00Z"), zone), "10:00");
  assert.equal(lt.formatTime(new Date("2026-03-29T01:30:00Z"), zone), "03:30");
});

test("lab days start at local midnight and last 23 or 25 hours across DST", () => {
  const day = lt.startOfLabDay(new Date("2026-10-25T12:00:00Z"), zone);
  assert.equal(day.toISOString(), "2026-10-24T22:00:00.000Z");
  assert.equal(lt.addLabDays(day, 1, zone).toISOString(), "2026-10-25T23:00:00.000Z");
  const spring = lt.startOfLabDay(new Date("2026-03-29T12:00:00Z"), zone);
  assert.equal(spring.toISOString(), "2026-03-28T23:00:00.000Z");
  assert.equal(lt.addLabDays(spring, 1, zone).toISOString(), "2026-03-29T22:00:00.000Z");
  assert.equal(lt.labLocalToUtc(2026, 10, 25, 2, 30, zone).toISOString(), "2026-10-25T00:30:00.000Z");
});

test("free ranges become slots on the grid, the current one included", () => {
  const free = [{ start: new Date("2026-12-07T09:10:00Z"), end: new Date("2026-12-07T11:00:00Z") }];
  const slots = slotsOf(free, 30, new Date("2026-12-07T09:40:00Z"));
  assert.deepEqual(slots.map((s) => s.start.toISOString().slice(11, 16)), ["09:30", "10:00", "10:30"]);
});
