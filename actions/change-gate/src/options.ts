import { InputError } from "@secflow/errors";
import type { Category, InputReader } from "@secflow/kit";

const CATEGORIES = ["sast", "sca", "policy"] as const satisfies readonly Category[];
export type Mode = "enforce" | "advise";
export type OnMissing = "fail" | "review";

/** The gate's options, validated; paths stay as given, and run() resolves them against the workspace. */
export interface Options {
  /** The `path` input: a folder of the repository, relative to GITHUB_WORKSPACE. */
  path?: string;
  /** SARIF files, folders or globs as given, relative to GITHUB_WORKSPACE. */
  sarif: string[];
  policyDiff?: string;
  /** The `config` input: a file in the repository, read at the base commit; unset: .github/secflow.yml. */
  config?: string;
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
  const path = read.string("path");
  const policyDiff = read.string("policy-diff");
  const config = read.string("config");
  const token = read.string("token");
  const base = read.string("base");
  const head = read.string("head");
  return {
    ...(path ? { path } : {}),
    // One per line: commas are legal in file names and in brace globs.
    sarif: (read.string("sarif") ?? "")
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== ""),
    ...(policyDiff ? { policyDiff } : {}),
    ...(config ? { config } : {}),
    ...(token ? { token } : {}),
    expected: read.list("expected").map((value) => category(value)),
    ...(read.string("on-missing")
      ? { onMissing: read.enumOf<OnMissing>("on-missing", ["fail", "review"], "fail") }
      : {}),
    mode: read.enumOf("mode", ["enforce", "advise"], "enforce"),
    comment: read.boolean("comment", false),
    output: read.string("output", "secflow-change-gate.sarif"),
    evidence: read.string("evidence", "secflow-change-gate-evidence.json"),
    ...(base ? { base } : {}),
    ...(head ? { head } : {}),
    env,
  };
}

function category(value: string): Category {
  const found = CATEGORIES.find((c) => c === value.toLowerCase());
  if (!found) {
    throw new InputError(
      `Input "expected" has an invalid value ${JSON.stringify(value)}: write one or more of ${CATEGORIES.join(", ")}.`,
    );
  }
  return found;
}
