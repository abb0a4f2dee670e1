#!/usr/bin/env node
// Bundles the action in the current directory (src/index.ts) into dist/index.js, the file
// action.yml runs. One self-contained ESM file: the runner installs no dependencies.
import path from "node:path";
import { build } from "esbuild";

/** Bundles `entry` into `outfile` as the runner runs it; tests that build a bundle use this too. */
export function bundleAction(entry, outfile) {
  return build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    conditions: ["source"],
    // Some CommonJS dependencies call require(); give the ESM bundle one.
    banner: {
      js: "import { createRequire as __secflowCreateRequire } from 'node:module';\nconst require = __secflowCreateRequire(import.meta.url);",
    },
    // Whitespace and syntax minified to keep the committed file small and cold start fast;
    // identifiers kept, so stack traces from a team's runner still name our functions.
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    legalComments: "none",
    logLevel: "warning",
  });
}

if (process.argv[1] && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href) {
  await bundleAction("src/index.ts", "dist/index.js");
}
