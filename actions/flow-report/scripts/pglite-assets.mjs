#!/usr/bin/env node
// PGlite loads its WebAssembly and data files from beside the module that runs it; in the
// bundled action that is dist/index.js, so they are copied into dist/ next to it, with an empty
// database made by this PGlite (a new database starts from a copy of it instead of initdb).
// Usage: node scripts/pglite-assets.mjs <folder>
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { bundleAction } from "../../../scripts/bundle-action.mjs";

export const PGLITE_ASSETS = ["pglite.wasm", "pglite.data", "initdb.wasm"];

const require = createRequire(import.meta.url);
const pgliteDist = () => path.dirname(require.resolve("@electric-sql/pglite"));

export function copyPgliteAssets(folder) {
  mkdirSync(folder, { recursive: true });
  for (const name of PGLITE_ASSETS) copyFileSync(path.join(pgliteDist(), name), path.join(folder, name));
}

/**
 * What empty-database.json records of the file: the PGlite that made it, and that it holds no
 * tables (openDatabase applies the schema, so a schema change needs no new file).
 */
const made = (pglite) => JSON.stringify({ pglite, tables: false });

/**
 * Writes `folder`/empty-database.tar.gz, unless the one there is what made() records:
 * initdb writes a new system identifier every time, so making it again on every bundle would
 * change a committed binary for nothing.
 */
export async function makeEmptyDatabase(folder) {
  const { version } = JSON.parse(readFileSync(path.join(pgliteDist(), "..", "package.json"), "utf8"));
  const file = path.join(folder, "empty-database.tar.gz");
  const marker = path.join(folder, "empty-database.json");
  if (existsSync(file) && existsSync(marker) && readFileSync(marker, "utf8").trim() === made(version)) return;
  // Bundled into the folder, so that PGlite finds its assets beside it as the action does.
  const maker = path.join(folder, ".empty-database.mjs");
  await bundleAction(path.join(import.meta.dirname, "empty-database.ts"), maker);
  try {
    rmSync(file, { force: true });
    execFileSync(process.execPath, [maker, file], { stdio: "inherit" });
  } finally {
    rmSync(maker, { force: true });
  }
  writeFileSync(marker, `${made(version)}\n`);
}

if (process.argv[1] && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href) {
  const folder = process.argv[2] ?? "dist";
  copyPgliteAssets(folder);
  await makeEmptyDatabase(folder);
}
