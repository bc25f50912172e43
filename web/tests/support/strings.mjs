// SPDX-License-Identifier: EUPL-1.2
// The English string table, read from web/src/i18n/en.ts without compiling it.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const file = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "src", "i18n", "en.ts");
export const en = Object.fromEntries(
  [...fs.readFileSync(file, "utf8").matchAll(/^\s+([a-z_]+):\s*"((?:[^"\\]|\\.)*)",?$/gm)].map((m) => [m[1], m[2]]),
);
