// SPDX-License-Identifier: EUPL-1.2
// Every string key is defined in German and English, with the same
// placeholders, and every key the app uses exists; keys nobody uses fail too,
// so the tables stay the app's strings.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const src = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "src");

function table(lang) {
  const text = fs.readFileSync(path.join(src, "i18n", `${lang}.ts`), "utf8");
  const entries = new Map();
  for (const m of text.matchAll(/^\s+([a-z_]+):\s*"((?:[^"\\]|\\.)*)",?$/gm)) entries.set(m[1], m[2]);
  return entries;
}

function sources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "gen" || e.name === "i18n" ? [] : sources(p);
    return /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

const en = table("en");
const de = table("de");

test("both languages define the same keys", () => {
  assert.ok(en.size > 50, `only ${en.size} English strings found`);
  assert.deepEqual([...en.keys()].filter((k) => !de.has(k)), [], "missing in German");
  assert.deepEqual([...de.keys()].filter((k) => !en.has(k)), [], "missing in English");
});

test("translations are not empty and keep their placeholders", () => {
  for (const [key, text] of en) {
    assert.ok(text.trim() && de.get(key).trim(), `empty string for ${key}`);
    assert.deepEqual(placeholders(de.get(key)), placeholders(text), `placeholders of ${key}`);
  }
});

test("every key used is defined and every key defined is used", () => {
  const used = new Set();
  for (const file of sources(src)) {
    const text = fs.readFileSync(file, "utf8");
    for (const m of text.matchAll(/\bt\(\s*"([a-z_]+)"/g)) used.add(m[1]);
    // Tables of keys (enum names) name them as plain strings.
    if (file.endsWith("names.ts")) for (const m of text.matchAll(/"([a-z_]+)"/g)) used.add(m[1]);
  }
  assert.deepEqual([...used].filter((k) => !en.has(k)).sort(), [], "used but not defined");
  assert.deepEqual([...en.keys()].filter((k) => !used.has(k)).sort(), [], "defined but never used");
});
