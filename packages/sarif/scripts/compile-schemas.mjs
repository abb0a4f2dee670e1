#!/usr/bin/env node
// Writes src/generated/*.validator.js from schema/ (the official SARIF 2.1.0 schema and the
// secflow profile). Run after changing a schema: `npm run compile-schemas -w packages/sarif`;
// test/generated-validators.test.ts fails while the committed code is stale.
import { writeFileSync } from "node:fs";
import { compileSchema } from "../../../scripts/compile-schema.mjs";

export const targets = {
  "sarif-2.1.0.validator.js": "sarif-schema-2.1.0.json",
  "profile-v1.validator.js": "secflow-profile-v1.schema.json",
};

export const compile = (schema) => compileSchema(new URL(`../schema/${schema}`, import.meta.url));

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [file, schema] of Object.entries(targets)) {
    writeFileSync(new URL(`../src/generated/${file}`, import.meta.url), compile(schema));
  }
}
