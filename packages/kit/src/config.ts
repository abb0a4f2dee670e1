import { readFile } from "node:fs/promises";
import { UserError } from "@secflow/errors";
import type { ValidateFunction } from "ajv";
import { LineCounter, parseDocument } from "yaml";
import schema from "../schema/secflow-config.schema.json" with { type: "json" };
import { describeSchemaErrors } from "./config-errors.ts";
import type { SecflowConfig } from "./config-types.ts";
import validateConfig from "./generated/config.validator.js";
import { readFileAtRef } from "./git.ts";

/** Where a repository keeps its secflow configuration. */
export const CONFIG_PATH = ".github/secflow.yml";

/** The published JSON Schema of the configuration file. */
export const configSchema = schema;

// Precompiled from schema/ by scripts/compile-schema.mjs: compiling at start-up costs ~190 ms.
function validate(value: unknown): ValidateFunction {
  validateConfig(value);
  return validateConfig;
}

/**
 * Parses and validates the text of a configuration file. Problems are a UserError with one
 * line per problem: "<file>:<line>: <what is wrong> (<json pointer>)".
 */
export function parseConfig(text: string, fileName: string): SecflowConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new UserError(
      doc.errors
        .map((e) => `${fileName}:${lines.linePos(e.pos[0]).line}: ${e.message} (YAML syntax)`)
        .join("\n"),
    );
  }
  const value: unknown = doc.toJS() ?? {};
  const check = validate(value);
  if (check.errors?.length) {
    const problems = describeSchemaErrors(check.errors, doc, lines);
    throw new UserError(problems.map((p) => `${fileName}:${p.line}: ${p.message} (${p.pointer})`).join("\n"));
  }
  return value as SecflowConfig;
}

/** Reads the configuration file; a missing file is an empty configuration unless required. */
export async function loadConfig(
  file: string = CONFIG_PATH,
  options: { required?: boolean } = {},
): Promise<SecflowConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !options.required) return {};
    throw new UserError(
      code === "ENOENT" ? `The configuration file ${file} does not exist.` : `Cannot read ${file}: ${code}.`,
      { cause: error },
    );
  }
  return parseConfig(text, file);
}

/** The configuration as committed at a ref (e.g. the base of a pull request); absent → {}. */
export async function loadConfigAtRef(
  repoDir: string,
  ref: string,
  file: string = CONFIG_PATH,
): Promise<SecflowConfig> {
  const text = await readFileAtRef(repoDir, ref, file);
  return text === undefined ? {} : parseConfig(text, `${ref}:${file}`);
}

/**
 * Splits waivers (or anything with `expires`) into those in force and those expired. A waiver
 * applies through the whole of its expiry day, in UTC. Expired ones are returned so callers can
 * say so rather than silently drop them.
 */
export function activeWaivers<T extends { expires: string }>(
  waivers: readonly T[] | undefined,
  now: Date = new Date(),
): { active: T[]; expired: T[] } {
  const active: T[] = [];
  const expired: T[] = [];
  for (const waiver of waivers ?? []) {
    const end = Date.parse(`${waiver.expires}T00:00:00Z`) + 24 * 60 * 60 * 1000;
    // An unreadable date never keeps a waiver alive.
    if (Number.isFinite(end) && now.getTime() < end) active.push(waiver);
    else expired.push(waiver);
  }
  return { active, expired };
}
