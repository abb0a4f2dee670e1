import {
  type ActionIO,
  CONFIG_PATH,
  DEFAULTS,
  failOnOutcome,
  repositoryPath,
  resolveWorkspace,
  type StepOutcome,
  setting,
  uncheckedOutcome,
  type Workspace,
} from "@secflow/kit";
import { buildDiff } from "./build-diff.ts";
import { commitsToCompare } from "./commits.ts";
import type { ReportedDiff } from "./diff-file.ts";
import type { Options } from "./options.ts";
import { publish } from "./publish.ts";
import { pullRequestAuthor } from "./pull-request-author.ts";
import { type PolicyFileOptions, readPolicyAtCommits } from "./read-commits.ts";
import { uncheckedFiles } from "./unreadable-files.ts";

export type { PolicyChange, PolicyDiff, ReportedChange, ReportedDiff } from "./diff-file.ts";
export { type Options, readOptions } from "./options.ts";

export interface Outcome extends StepOutcome {
  /** The diff file's content, with why each growing privilege has its severity. */
  diff: ReportedDiff;
}

/**
 * Reads the security policy at the merge base and head commits straight from git, compares the
 * grants, and writes the SARIF, the diff JSON for the gate, the summary and the outputs. By
 * default it never fails the step on what changed (deciding is the gate's job); `fail-on` (or
 * policy.fail-on of the base commit's configuration) sets a threshold for teams without the gate.
 * A policy file it could not read, whose content changed, fails the step unless `on-unchecked`
 * (or on-unchecked of the base commit's configuration) is `warn`.
 */
export async function run(options: Options, io: ActionIO): Promise<Outcome> {
  const workspace = await resolveWorkspace(options.path, options.env);
  const files = policyFiles(workspace, options);
  const commits = await commitsToCompare(workspace, options, io);
  const policy = await readPolicyAtCommits(commits, files);
  const { diff, notes } = buildDiff(commits, policy, await pullRequestAuthor(options.env, io));
  const { output, diffOutput, env } = options;
  const unchecked = uncheckedFiles(diff);
  const counts = await publish(diff, policy, { workspace, output, diffOutput, env, io, unchecked, notes });
  // From the base, like severity overrides: a pull request cannot lower its own threshold, nor
  // accept its own unreadable files.
  const { baseConfig } = policy;
  const failOn = setting(options.failOn, baseConfig.policy?.["fail-on"], DEFAULTS.failOn);
  const onUnchecked = setting(options.onUnchecked, baseConfig["on-unchecked"], DEFAULTS.onUnchecked);
  return {
    diff,
    ...combineOutcomes(
      uncheckedOutcome(unchecked, onUnchecked),
      failOnOutcome(counts, failOn, "the privilege-diff table in the job summary"),
    ),
  };
}

/** One step outcome: every reason to fail, the unchecked files first. */
function combineOutcomes(...outcomes: StepOutcome[]): StepOutcome {
  const failed = outcomes.flatMap((o) => (o.failed ? [o.failed] : []));
  return failed.length ? { failed: failed.join(" ") } : {};
}

function policyFiles(workspace: Workspace, options: Options): PolicyFileOptions {
  return {
    root: workspace.root,
    configFile:
      options.config === undefined ? CONFIG_PATH : repositoryPath(workspace, options.config, "config"),
    configNamed: options.config !== undefined,
    include: options.include,
    ...(options.readAll ? { readAll: true } : {}),
  };
}
