#!/usr/bin/env node
// PGlite loads its WebAssembly and data files from beside the module that runs it; in the
// bundled action that is dist/index.js, so they are copied into dist/ next to it.
// Usage: node scripts/pglite-assets.mjs <folder>
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

export const PGLITE_ASSETS = ["pglite.wasm", "pglite.data", "initdb.wasm"];

export function copyPgliteAssets(folder) {
  const require = createRequire(import.meta.url);
  const dist = path.dirname(require.resolve("@electric-sql/pglite"));
  mkdirSync(folder, { recursive: true });
  for (const name of PGLITE_ASSETS) copyFileSync(path.join(dist, name), path.join(folder, name));
}

if (process.argv[1] && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href) {
  copyPgliteAssets(process.argv[2] ?? "dist");
}
