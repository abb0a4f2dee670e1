import { UserError } from "@secflow/errors";
import {
  type BaselineChoice,
  type InputReader,
  inputPath,
  type OnUnchecked,
  readBaseline,
  readOnUnchecked,
  type SastTool,
  workspaceBase,
} from "@secflow/kit";
import { parseThreshold, type Threshold } from "@secflow/sarif";
import { parseScope, type ScopeChoice } from "./scope.ts";
import type { ToolRequest } from "./select-tools.ts";
import { isToolName, TOOL_NAMES } from "./tool-registry.ts";

const DEFAULT_OUTPUT = "secflow-sast.sarif";

/**
 * The action's inputs, parsed. `path` and `config` stay as given: run() resolves them against
 * the workspace and the repository. Files that are not the repository's own (output, imports,
 * a baseline SARIF file) are absolute, relative to the workspace as given.
 */
export interface Options {
  /** The folder to scan, as given (undefined: the workspace). */
  path?: string;
  /** Undefined when the input is not given: secflow.yml's sast.tools, else auto, decide. */
  tools?: ToolRequest;
  /** The `config` input as given (undefined: .github/secflow.yml, when it exists). */
  config?: string;
  inputs: string[];
  baseline: BaselineChoice;
  /** Which files the tools read: every file, or only those the change touches (see scope.ts). */
  scope: ScopeChoice;
  /** A ref overriding the event's base. */
  base?: string;
  /** Undefined when the input is not given: secflow.yml's sast.fail-on, else the default, decide. */
  failOn?: Threshold;
  /** Undefined when the input is not given: secflow.yml's on-unchecked, else the default (fail), decide. */
  onUnchecked?: OnUnchecked;
  installTools: boolean;
  output: string;
  env: NodeJS.ProcessEnv;
}

/** Reads every option from inputs (action.yml's names; the CLI's --flags map to the same). */
export function readOptions(read: InputReader, env: NodeJS.ProcessEnv): Options {
  const workspace = { base: workspaceBase(env) };
  const failOn = read.string("fail-on");
  return {
    ...optional("path", read.string("path")),
    ...optional("tools", parseTools(read.list("tools"))),
    ...optional("config", read.string("config")),
    inputs: read.list("input").map((file) => inputPath(workspace, file)),
    baseline: readBaseline(read, workspace),
    scope: parseScope(read.string("scope", "auto")),
    ...optional("base", read.string("base")),
    ...optional("failOn", failOn === undefined ? undefined : parseThreshold(failOn, 'Input "fail-on"')),
    ...optional("onUnchecked", readOnUnchecked(read)),
    installTools: read.boolean("install-tools", false),
    output: inputPath(workspace, read.string("output", DEFAULT_OUTPUT)),
    env,
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** `auto`, `none`, or tool names; anything else names the input and the valid values. */
function parseTools(items: string[]): ToolRequest | undefined {
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
