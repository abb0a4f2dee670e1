import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { repoRoot } from "./repo-root.ts";

interface InputSpec {
  description: string;
  default?: string;
  required?: boolean;
}

/** The parts of an action.yml the CLI needs: inputs with defaults, and output names. */
export interface ActionSpec {
  name: string;
  description: string;
  inputs: Record<string, InputSpec>;
  outputs: Record<string, { description: string }>;
}

export async function readActionSpec(folder: string): Promise<ActionSpec> {
  const text = await readFile(join(repoRoot(), "actions", folder, "action.yml"), "utf8");
  const spec = parseYaml(text) as Partial<ActionSpec>;
  return {
    name: spec.name ?? folder,
    description: spec.description ?? "",
    inputs: spec.inputs ?? {},
    outputs: spec.outputs ?? {},
  };
}

/**
 * The runner passes every input's default to the action; the CLI does the same so both read
 * identical options. Defaults that are workflow expressions (`${{ github.token }}`) have no
 * local value and are left out.
 */
export function defaultInputs(spec: ActionSpec): Record<string, string> {
  const defaults: Record<string, string> = {};
  for (const [name, input] of Object.entries(spec.inputs)) {
    if (input.default !== undefined && !String(input.default).includes("${{"))
      defaults[name] = String(input.default);
  }
  return defaults;
}
