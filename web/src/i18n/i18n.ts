// SPDX-License-Identifier: EUPL-1.2
// Picks German or English from the browser's language (the user can switch;
// the choice is remembered) and looks strings up by key. `Key` is the set of
// English keys, so a key used but not defined does not compile, and German
// must define every English key (tests/i18n.test.mjs checks it again).
import { de } from "./de";
import { en } from "./en";

export type Key = keyof typeof en;
export type Lang = "de" | "en";
const tables: Record<Lang, Record<Key, string>> = { de, en };

function initialLang(): Lang {
  const saved = globalThis.localStorage?.getItem("werkbank.lang");
  if (saved === "de" || saved === "en") return saved;
  return (globalThis.navigator?.language ?? "en").toLowerCase().startsWith("de") ? "de" : "en";
}

let current: Lang = initialLang();
if (globalThis.document) document.documentElement.lang = current;
const listeners = new Set<() => void>();

export function lang(): Lang {
  return current;
}

export function onLangChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function setLang(l: Lang): void {
  current = l;
  localStorage.setItem("werkbank.lang", l);
  document.documentElement.lang = l;
  listeners.forEach((f) => f());
}

// t("booked", { time: "10:00" }) fills {time} in the string.
export function t(key: Key, params: Record<string, string | number> = {}): string {
  const text = tables[current][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

export function locale(): string {
  return current === "de" ? "de-DE" : "en-GB";
}
