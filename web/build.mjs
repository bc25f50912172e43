// SPDX-License-Identifier: EUPL-1.2
// Builds the browser app: installs the pinned npm packages when the lockfile
// changed, generates the werkbank.v1 clients from proto/ with Debian's protoc
// and protoc-gen-es, type-checks, and bundles with esbuild into OUT (default
// ../build/web, or $WERKBANK_BUILD_DIR/web, or the first argument):
// index.html, app-<hash>.js, app-<hash>.css and a .gz beside each.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

const webDir = path.dirname(fileURLToPath(import.meta.url));
const repoDir = path.dirname(webDir);
const outDir = path.resolve(
  process.argv[2] ??
    path.join(process.env.WERKBANK_BUILD_DIR ?? path.join(repoDir, "build"), "web"),
);
const maxGzipBytes = 150 * 1024;

function run(cmd, args, opts = {}) {
  execFileSync(cmd, args, { cwd: webDir, stdio: "inherit", ...opts });
}

// npm ci only when node_modules does not match the lockfile: the stamp holds
// the lockfile's hash from the last successful install.
function ensurePackages() {
  const lock = fs.readFileSync(path.join(webDir, "package-lock.json"));
  const want = createHash("sha256").update(lock).digest("hex");
  const stamp = path.join(webDir, "node_modules", ".werkbank-lock-sha256");
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === want) return;
  run("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], {
    env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" },
  });
  fs.writeFileSync(stamp, want);
}

function generateClients() {
  const protoDir = path.join(repoDir, "proto");
  const genDir = path.join(webDir, "src", "gen");
  fs.rmSync(genDir, { recursive: true, force: true });
  fs.mkdirSync(genDir, { recursive: true });
  const protos = fs
    .readdirSync(path.join(protoDir, "werkbank", "v1"))
    .filter((f) => f.endsWith(".proto") && f !== "config.proto")
    .map((f) => path.join("werkbank", "v1", f));
  run("protoc", [
    `--plugin=protoc-gen-es=${path.join(webDir, "node_modules", ".bin", "protoc-gen-es")}`,
    `--es_out=${genDir}`,
    "--es_opt=target=ts,import_extension=none",
    `-I${protoDir}`,
    ...protos,
  ]);
}

async function bundle() {
  const esbuild = await import("esbuild");
  // Only the app's own files go: the folder may hold other things.
  fs.mkdirSync(outDir, { recursive: true });
  for (const f of fs.readdirSync(outDir)) {
    if (/^(app-\w+\.(js|css)|index\.html|favicon\.svg)(\.gz)?$/.test(f)) fs.rmSync(path.join(outDir, f));
  }
  const result = await esbuild.build({
    absWorkingDir: webDir,
    entryPoints: { app: "src/main.tsx" },
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2022",
    jsx: "automatic",
    jsxImportSource: "preact",
    entryNames: "[name]-[hash]",
    outdir: outDir,
    metafile: true,
    legalComments: "none",
    logLevel: "warning",
  });
  const outputs = Object.keys(result.metafile.outputs).map((p) => path.basename(p));
  const js = outputs.find((f) => f.endsWith(".js"));
  const css = outputs.find((f) => f.endsWith(".css"));
  const html = fs
    .readFileSync(path.join(webDir, "src", "index.html"), "utf8")
    .replace("%APP_JS%", js)
    .replace("%APP_CSS%", css);
  fs.writeFileSync(path.join(outDir, "index.html"), html);
  fs.copyFileSync(path.join(webDir, "src", "favicon.svg"), path.join(outDir, "favicon.svg"));
  let gzipTotal = 0;
  for (const f of [js, css, "index.html", "favicon.svg"]) {
    const gz = zlib.gzipSync(fs.readFileSync(path.join(outDir, f)), { level: 9 });
    fs.writeFileSync(path.join(outDir, f + ".gz"), gz);
    gzipTotal += gz.length;
  }
  console.log(`web: ${outDir}: ${js}, ${css}; ${(gzipTotal / 1024).toFixed(1)} kB gzipped`);
  if (gzipTotal > maxGzipBytes) {
    console.error(`web: the bundle is over ${maxGzipBytes / 1024} kB gzipped`);
    process.exit(1);
  }
}

ensurePackages();
generateClients();
run(process.execPath, [path.join(webDir, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"]);
await bundle();
