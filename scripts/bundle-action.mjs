#!/usr/bin/env node
// Bundles the action in the current directory (src/index.ts) into dist/index.js, the file
// action.yml runs. One self-contained ESM file: the runner installs no dependencies.
import { build } from "esbuild";

await build({
  entryPoints: ["src/index.ts"],
  outfile: "dist/index.js",
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
