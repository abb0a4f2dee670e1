import path from "node:path";
import { UserError } from "@secflow/errors";
import type { InputReader, SastTool } from "@secflow/kit";
import { parseThreshold, type Threshold } from "@secflow/sarif";
import type { ToolRequest } from "./select-tools.ts";
import { isToolName, TOOL_NAMES } from "./tool-registry.ts";

export const BASELINE_MODES = ["auto", "changed-lines", "ref", "none"] as const;
export type BaselineMode = (typeof BASELINE_MODES)[number];
/** A keyword, or a SARIF file of an earlier run to compare with. */
export type BaselineChoice = { mode: BaselineMode } | { mode: "file"; file: string };

export const DEFAULT_CONFIG = ".github/secflow.yml";
export const DEFAULT_OUTPUT = "secflow-sast.sarif";

/** The action's inputs, validated; file names are absolute (given relative to the workspace). */
export interface Options {
  workspace: string;
  /** The folder to scan. */
  path: string;
  /** Undefined when the input is not given: secflow.yml's sast.tools, else auto, decide. */
  tools?: ToolRequest;
  config: { file: string; required: boolean };
  inputs: string[];
  baseline: BaselineChoice;
  base?: string;
  /** Undefined when the input is not given: secflow.yml's sast.fail-on, else none, decide. */
  failOn?: Threshold;
  installTools: boolean;
  output: string;
  env: NodeJS.ProcessEnv;
}

/** Reads every option from inputs (action.yml's names; the CLI's --flags map to the same). */
export function readOptions(read: InputReader, env: NodeJS.ProcessEnv): Options {
  const workspace = path.resolve(env.GITHUB_WORKSPACE || process.cwd());
  const inWorkspace = (file: string) => path.resolve(workspace, file);
  const config = read.string("config");
  const failOn = read.string("fail-on");
  const base = read.string("base");
  return {
    workspace,
    path: inWorkspace(read.string("path", ".")),
    ...optional("tools", parseTools(read.list("tools"))),
    config: config
      ? { file: inWorkspace(config), required: true }
      : { file: inWorkspace(DEFAULT_CONFIG), required: false },
    inputs: read.list("input").map(inWorkspace),
    baseline: parseBaseline(read.string("baseline", "auto"), inWorkspace),
    ...optional("base", base),
    ...optional("failOn", failOn === undefined ? undefined : parseThreshold(failOn, 'Input "fail-on"')),
    installTools: read.boolean("install-tools", false),
    output: inWorkspace(read.string("output", DEFAULT_OUTPUT)),
    env,
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** `auto`, `none`, or tool names; anything else names the input and the valid values. */
export function parseTools(items: string[]): ToolRequest | undefined {
  if (items.length === 0) return undefined;
  const names = items.map((i) => i.toLowerCase());
  if (names.length === 1 && (names[0] === "auto" || names[0] === "none")) return { kind: names[0] };
  const unknown = names.filter((n) => !isToolName(n));
  if (unknown.length > 0) {
    throw new UserError(
      `Input "tools" names ${unknown.map((u) => JSON.stringify(u)).join(", ")}, which secflow sast does not know; write auto, none, or a list of ${TOOL_NAMES.join(", ")}. (Other tools' SARIF can be imported with "input".)`,
    );
  }
  return { kind: "list", tools: [...new Set(names as SastTool[])] };
}

function parseBaseline(value: string, inWorkspace: (file: string) => string): BaselineChoice {
  const keyword = BASELINE_MODES.find((m) => m === value.toLowerCase());
  return keyword ? { mode: keyword } : { mode: "file", file: inWorkspace(value) };
}
