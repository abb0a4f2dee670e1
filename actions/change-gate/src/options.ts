import { InputError } from "@secflow/errors";
import { type Category, type InputReader, inputs, recordInputSource } from "@secflow/kit";
import { type ApiLimits, DEFAULT_API_LIMITS } from "./api-limits.ts";

export const CATEGORIES = ["sast", "sca", "policy"] as const satisfies readonly Category[];
export type Mode = "enforce" | "advise";
export type OnMissing = "fail" | "review";

/** The inputs of action.yml, in its order. */
export const INPUT_NAMES = [
  "sarif",
  "policy-diff",
  "config",
  "token",
  "expected",
  "on-missing",
  "mode",
  "comment",
  "output",
  "evidence",
  "base",
  "head",
  "path",
  "api-timeout",
  "api-time-limit",
] as const;
export type InputName = (typeof INPUT_NAMES)[number];

/**
 * The inputs that decide how strictly the gate judges. In the in-repository deployment the
 * workflow that passes them runs from the pull request, so they are read from the gate's own
 * step on the base commit when it can be found there (see enforcement.ts).
 */
export const ENFORCEMENT_INPUTS = ["mode", "base", "config", "expected", "on-missing"] as const;
export type EnforcementInput = (typeof ENFORCEMENT_INPUTS)[number];

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
  /** Per-request timeout and the total time of the gate's GitHub API calls. */
  apiLimits: ApiLimits;
  /** Every input as given (trimmed; absent when empty), for the evidence and the base workflow check. */
  given: Partial<Record<InputName, string>>;
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
    apiLimits: {
      timeoutMs: read.number("api-timeout", DEFAULT_API_LIMITS.timeoutMs / 1000, { min: 1, max: 600 }) * 1000,
      totalMs: read.number("api-time-limit", DEFAULT_API_LIMITS.totalMs / 1000, { min: 1, max: 3600 }) * 1000,
    },
    given: Object.fromEntries(
      INPUT_NAMES.flatMap((name) => {
        const value = read.string(name);
        return value === undefined ? [] : [[name, value]];
      }),
    ),
    env,
  };
}

/**
 * The options with the enforcement inputs replaced by `values` (undefined: the action's
 * default), parsed and validated as readOptions does. `given` keeps what the step was given.
 */
export function withEnforcementInputs(
  options: Options,
  values: Partial<Record<EnforcementInput, string>>,
): Options {
  const record: Record<string, string> = {};
  for (const name of INPUT_NAMES) {
    const value = (ENFORCEMENT_INPUTS as readonly string[]).includes(name)
      ? values[name as EnforcementInput]
      : options.given[name];
    if (value !== undefined) record[name] = value;
  }
  return { ...readOptions(inputs(recordInputSource(record)), options.env), given: options.given };
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

/** An input's value in force, as text for the evidence; null when none. The token's is never given. */
export function valueInForce(options: Options, name: InputName): string | null {
  const values: Record<InputName, string | undefined> = {
    sarif: options.sarif.length ? options.sarif.join("\n") : undefined,
    "policy-diff": options.policyDiff,
    config: options.config,
    token: undefined,
    expected: options.expected.length ? options.expected.join(", ") : undefined,
    "on-missing": options.onMissing,
    mode: options.mode,
    comment: String(options.comment),
    output: options.output,
    evidence: options.evidence,
    base: options.base,
    head: options.head,
    path: options.path ?? ".",
    "api-timeout": String(options.apiLimits.timeoutMs / 1000),
    "api-time-limit": String(options.apiLimits.totalMs / 1000),
  };
  return values[name] ?? null;
}
