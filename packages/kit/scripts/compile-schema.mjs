#!/usr/bin/env node
// Writes src/generated/config.validator.js from schema/secflow-config.schema.json, so actions do
// not compile the configuration schema at every start (~190 ms). Run after changing the schema:
// `npm run compile-schema -w packages/kit`; src/config.test.ts checks the committed code is current.
import { writeFileSync } from "node:fs";
import { compileSchema } from "../../../scripts/compile-schema.mjs";

export const GENERATED = new URL("../src/generated/config.validator.js", import.meta.url);

// verbose: errors carry their schema, whose property names and descriptions make better messages.
// strictRequired is off for the waiver's anyOf of `required` alone.
export const compile = () =>
  compileSchema(new URL("../schema/secflow-config.schema.json", import.meta.url), {
    ajv: { verbose: true, strict: true, strictRequired: false },
    formats: { module: "../config-formats.ts", names: ["date"] },
  });

if (import.meta.url === `file://${process.argv[1]}`) writeFileSync(GENERATED, compile());
