#!/usr/bin/env node
// Bundles the secflow CLI (packages/cli/src/main.ts) into packages/cli/dist/secflow.js.
import { build } from "esbuild";
import { externalThirdParty } from "./external-third-party.mjs";

await build({
  entryPoints: ["src/main.ts"],
  outfile: "dist/secflow.js",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  conditions: ["source"],
  plugins: [externalThirdParty],
  logLevel: "warning",
});
