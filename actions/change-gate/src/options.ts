import path from "node:path";
import { UserError } from "@secflow/errors";
import type { Category, InputReader } from "@secflow/kit";

export const CATEGORIES = ["sast", "sca", "policy"] as const satisfies readonly Category[];
export type Mode = "enforce" | "advise";
export type OnMissing = "fail" | "review";

/** The gate's options, validated; every path is absolute except `config` (repository-relative). */
export interface Options {
  /** The repository checkout. */
  workspace: string;
  /** SARIF files, folders or globs as given, relative to the workspace. */
  sarif: string[];
  policyDiff?: string;
  /** Where the configuration lives in the repository; read at the base commit. */
  config: string;
  token?: string;
  expected: Category[];
  /** Unset when the input was not given, so the base configuration can decide. */
  onMissing?: OnMissing;
  mode: Mode;
  comment: boolean;
  output: string;
  evidence: string;
  base?: string;
  head?: string;
  env: NodeJS.ProcessEnv;
}

export function readOptions(read: InputReader, env: NodeJS.ProcessEnv): Options {
  const workspace = path.resolve(env.GITHUB_WORKSPACE ?? process.cwd(), read.string("path", "."));
  const inWorkspace = (name: string, fallback: string) =>
    path.resolve(workspace, read.string(name, fallback));
  const policyDiff = read.string("policy-diff");
  const token = read.string("token");
  const base = read.string("base");
  const head = read.string("head");
  return {
    workspace,
    // One per line: commas are legal in file names and in brace globs.
    sarif: (read.string("sarif") ?? "")
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== ""),
    ...(policyDiff ? { policyDiff: path.resolve(workspace, policyDiff) } : {}),
    config: repositoryPath(workspace, read.string("config", ".github/secflow.yml")),
    ...(token ? { token } : {}),
    expected: read.list("expected").map((value) => category(value)),
    ...(read.string("on-missing")
      ? { onMissing: read.enumOf<OnMissing>("on-missing", ["fail", "review"], "fail") }
      : {}),
    mode: read.enumOf("mode", ["enforce", "advise"], "enforce"),
    comment: read.boolean("comment", false),
    output: inWorkspace("output", "secflow-change-gate.sarif"),
    evidence: inWorkspace("evidence", "secflow-change-gate-evidence.json"),
    ...(base ? { base } : {}),
    ...(head ? { head } : {}),
    env,
  };
}

function category(value: string): Category {
  const found = CATEGORIES.find((c) => c === value.toLowerCase());
  if (!found) {
    throw new UserError(
      `Input "expected" has an invalid value ${JSON.stringify(value)}: write one or more of ${CATEGORIES.join(", ")}.`,
    );
  }
  return found;
}

/** The configuration is read from git at the base commit, so it must be a path inside the repository. */
function repositoryPath(workspace: string, file: string): string {
  const relative = path.relative(workspace, path.resolve(workspace, file)).split(path.sep).join("/");
  if (relative === "" || relative.startsWith("../") || relative === ".." || path.isAbsolute(relative)) {
    throw new UserError(
      `Input "config" is ${JSON.stringify(file)}, outside the repository ${workspace}: the gate reads its policy from the base commit, so give a path inside the repository, e.g. .github/secflow.yml.`,
    );
  }
  return relative;
}
