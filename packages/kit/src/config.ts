import { createHash } from "node:crypto";
import { UserError } from "@secflow/errors";
import type { ValidateFunction } from "ajv";
import schema from "../schema/secflow-config.schema.json" with { type: "json" };
import { parseYaml, yamlToJs } from "./bounded-yaml.ts";
import { describeSchemaErrors } from "./config-errors.ts";
import type { SecflowConfig } from "./config-types.ts";
import validateConfig from "./generated/config.validator.js";
import { readFileAtRef } from "./git.ts";
import { readRepositoryFile } from "./workspace.ts";

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
  const { doc, lines } = parseYaml(text, fileName);
  const value: unknown = yamlToJs(doc, fileName) ?? {};
  const check = validate(value);
  if (check.errors?.length) {
    const problems = describeSchemaErrors(check.errors, doc, lines);
    throw new UserError(problems.map((p) => `${fileName}:${p.line}: ${p.message} (${p.pointer})`).join("\n"));
  }
  return value as SecflowConfig;
}

/** Where the configuration was read from, for summaries and the audit record. */
export interface ConfigSource {
  /** Repository-relative path. */
  file: string;
  /** The commit it was read from; unset for the working tree. */
  commit?: string;
  found: boolean;
  /** Named by the `config` input (then it must exist). */
  explicit: boolean;
  sha256?: string;
}

export interface LoadedConfig {
  config: SecflowConfig;
  source: ConfigSource;
}

export interface ConfigLocation {
  /** The repository root. */
  root: string;
  /** The `config` input as a repository-relative path (workspace.ts repositoryPath); unset: the default. */
  file?: string;
  /** Read the file as committed here rather than from the working tree. */
  commit?: string;
}

/**
 * The one configuration loader: `.github/secflow.yml` (or the file the `config` input names)
 * from the working tree, never through a symlink out of the repository, or as committed at a
 * commit. No file at the default place is the defaults; a file named explicitly that does not
 * exist is an error in every action.
 */
export async function readConfig(location: ConfigLocation): Promise<LoadedConfig> {
  const file = location.file ?? CONFIG_PATH;
  const { root, commit } = location;
  const source: ConfigSource = { file, found: false, explicit: location.file !== undefined };
  if (commit) source.commit = commit;
  const text = commit ? await readFileAtRef(root, commit, file) : await readRepositoryFile(root, file);
  if (text === undefined) {
    if (source.explicit) {
      throw new UserError(
        `The configuration file ${file} named by the "config" input does not exist${commit ? ` at commit ${commit.slice(0, 12)}` : ""}; fix the path or leave the input out to use ${CONFIG_PATH}.`,
      );
    }
    return { config: {}, source };
  }
  source.found = true;
  source.sha256 = createHash("sha256").update(text).digest("hex");
  const shown = commit ? `${file} at commit ${commit.slice(0, 12)}` : file;
  return { config: parseConfig(text, shown), source };
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
