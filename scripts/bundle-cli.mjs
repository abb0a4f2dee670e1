#!/usr/bin/env node
// Bundles the secflow CLI (packages/cli/src/main.ts) into packages/cli/dist/secflow.js, split so
// that each command's chunk, and the third-party packages it imports, load only when it runs.
import { rmSync } from "node:fs";
import { build } from "esbuild";
import { externalThirdParty } from "./external-third-party.mjs";

rmSync("dist", { recursive: true, force: true }); // no stale chunks from an earlier build
await build({
  entryPoints: { secflow: "src/main.ts" },
  outdir: "dist",
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  conditions: ["source"],
  plugins: [externalThirdParty],
  logLevel: "warning",
});
