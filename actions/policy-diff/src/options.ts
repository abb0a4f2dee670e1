import { type InputReader, type OnUnchecked, readOnUnchecked } from "@secflow/kit";
import { SEVERITIES, type Threshold } from "@secflow/sarif";
import { type IncludeGlobs, parseIncludeInput } from "./policy-files.ts";

const THRESHOLDS: readonly Threshold[] = [...SEVERITIES, "none"];

/** The inputs, parsed; paths stay as given; run() resolves them against the workspace. */
export interface Options {
  /** The `path` input: a folder of the repository, relative to GITHUB_WORKSPACE (unset: the workspace). */
  path?: string;
  /** Refs to compare; unset: the event's (pull request, merge group, push), else a local main branch and HEAD. */
  base?: string;
  head?: string;
  /** Globs given with the `include` input; they replace defaults and secflow.yml per kind. */
  include: Partial<IncludeGlobs>;
  /** The `config` input; unset: .github/secflow.yml, which may be absent. */
  config?: string;
  /** The `fail-on` input; unset: policy.fail-on of the base commit's configuration, else none. */
  failOn?: Threshold;
  /** The `on-unchecked` input; unset: on-unchecked of the base commit's configuration, else fail. */
  onUnchecked?: OnUnchecked;
  /** Where the SARIF and the diff JSON are written, relative to GITHUB_WORKSPACE. */
  output: string;
  diffOutput: string;
  env: NodeJS.ProcessEnv;
  /**
   * Not an input: read every policy file at both commits, even those the change leaves as they
   * were (as before issue #15). For benchmarks and tests that compare the two; the diff is the same.
   */
  readAll?: boolean;
}

/** Reads every option from the action's inputs; synchronous, so a bad value fails before any work. */
export function readOptions(read: InputReader, env: NodeJS.ProcessEnv): Options {
  const path = read.string("path");
  const base = read.string("base");
  const head = read.string("head");
  const config = read.string("config");
  const failOn = read.string("fail-on") && read.enumOf("fail-on", THRESHOLDS, "none");
  const onUnchecked = readOnUnchecked(read);
  return {
    ...(path ? { path } : {}),
    ...(base ? { base } : {}),
    ...(head ? { head } : {}),
    include: parseIncludeInput(read.string("include")),
    ...(config ? { config } : {}),
    ...(failOn ? { failOn } : {}),
    ...(onUnchecked ? { onUnchecked } : {}),
    output: read.string("output", "secflow-policy-diff.sarif"),
    diffOutput: read.string("diff-output", "secflow-policy-diff.json"),
    env,
  };
}
