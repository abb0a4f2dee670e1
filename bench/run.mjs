#!/usr/bin/env node
// Runs a benchmark written in TypeScript: `node bench/run.mjs <name> [args…]` bundles
// bench/<name>.bench.ts (workspace packages resolved to their sources) and runs it in a fresh
// Node process, so the benchmark measures our code and not the bundler.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { externalThirdParty } from "../scripts/external-third-party.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const [name, ...args] = process.argv.slice(2);
const available = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .map((f) => f.replace(/\.bench\.ts$/, ""));
if (!name || !available.includes(name)) {
  console.error(`usage: node bench/run.mjs <${available.join("|")}> [args…]`);
  process.exit(2);
}
const outdir = join(here, ".data", "build");
mkdirSync(outdir, { recursive: true });
const outfile = join(outdir, `${name}.mjs`);
await build({
  entryPoints: [join(here, `${name}.bench.ts`)],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  conditions: ["source"],
  plugins: [externalThirdParty],
  logLevel: "warning",
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});
// The bundle runs from bench/.data/build/; tell it where the repository is.
const { status } = spawnSync(process.execPath, ["--expose-gc", outfile, ...args], {
  stdio: "inherit",
  env: { ...process.env, SECFLOW_ROOT: dirname(here) },
});
process.exit(status ?? 1);
