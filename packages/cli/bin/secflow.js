#!/usr/bin/env node
// The `secflow` command. The bundle is built by `npm ci` (the root's prepare script) or `npm run build`.
import { existsSync } from "node:fs";

const bundle = new URL("../dist/secflow.js", import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write("secflow: the CLI is not built yet; run `npm run build` in the secflow checkout\n");
  process.exit(2);
}
const { main } = await import(bundle.href);
process.exitCode = await main(process.argv.slice(2));
