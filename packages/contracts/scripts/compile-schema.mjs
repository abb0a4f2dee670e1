#!/usr/bin/env node
// Writes src/generated/policy-diff.validator.js from schema/policy-diff.schema.json, so the gate does
// not compile a schema at every start. Run after changing the schema:
// `npm run compile-schema -w packages/contracts`; test/policy-diff.test.ts checks it is current.
import { writeFileSync } from "node:fs";
import { compileSchema } from "../../../scripts/compile-schema.mjs";

export const SCHEMA = new URL("../schema/policy-diff.schema.json", import.meta.url);
export const GENERATED = new URL("../src/generated/policy-diff.validator.js", import.meta.url);

export const compile = () => compileSchema(SCHEMA, { ajv: { strict: true } });

if (import.meta.url === `file://${process.argv[1]}`) writeFileSync(GENERATED, compile());
