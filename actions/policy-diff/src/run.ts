import {
  type ActionIO,
  CONFIG_PATH,
  DEFAULTS,
  failOnOutcome,
  repositoryPath,
  resolveWorkspace,
  type StepOutcome,
  setting,
  type Workspace,
} from "@secflow/kit";
import { buildDiff } from "./build-diff.ts";
import { commitsToCompare } from "./commits.ts";
import type { PolicyDiff } from "./diff-file.ts";
import type { Options } from "./options.ts";
import { publish } from "./publish.ts";
import { type PolicyFileOptions, readPolicyAtCommits } from "./read-commits.ts";

export type { PolicyChange, PolicyDiff } from "./diff-file.ts";
export { type Options, readOptions } from "./options.ts";

export interface Outcome extends StepOutcome {
  diff: PolicyDiff;
}

/**
 * Reads the security policy at the merge base and head commits straight from git, compares the
 * grants, and writes the SARIF, the diff JSON for the gate, the summary and the outputs. By
 * default it never fails the step on what changed (deciding is the gate's job); `fail-on` (or
 * policy.fail-on of the base commit's configuration) sets a threshold for teams without the gate.
 */
export async function run(options: Options, io: ActionIO): Promise<Outcome> {
  const workspace = await resolveWorkspace(options.path, options.env);
  const files = policyFiles(workspace, options);
  const commits = await commitsToCompare(workspace, options, io);
  const policy = await readPolicyAtCommits(commits, files);
  const diff = buildDiff(commits, policy);
  const { output, diffOutput, env } = options;
  const counts = await publish(diff, policy, { workspace, output, diffOutput, env, io });
  // From the base, like severity overrides: a pull request cannot lower its own threshold.
  const failOn = setting(options.failOn, policy.baseConfig.policy?.["fail-on"], DEFAULTS.failOn);
  return { diff, ...failOnOutcome(counts, failOn, "the privilege-diff table in the job summary") };
}

function policyFiles(workspace: Workspace, options: Options): PolicyFileOptions {
  return {
    root: workspace.root,
    configFile:
      options.config === undefined ? CONFIG_PATH : repositoryPath(workspace, options.config, "config"),
    configNamed: options.config !== undefined,
    include: options.include,
  };
}
