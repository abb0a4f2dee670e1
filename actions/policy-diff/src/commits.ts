import { UserError } from "@secflow/errors";
import { type ActionIO, type Change, describeChange, resolveChange, type Workspace } from "@secflow/kit";

/** The two commits whose policy is compared. */
export interface ComparedCommits {
  /** Where head branched from the base: the pull request's diff starts here. */
  baseSha: string;
  headSha: string;
  change: Change;
}

/**
 * The change as every secflow action resolves it (inputs, then pull_request*, merge_group and
 * push events, then a local main branch). A base with no merge base in the clone is the kit's
 * MissingMergeBaseError; no base at all (workflow_dispatch, schedule) is an error here, because
 * policy-diff has nothing to report without two commits.
 */
export async function commitsToCompare(
  workspace: Workspace,
  refs: { base?: string; head?: string; env: NodeJS.ProcessEnv },
  io: ActionIO,
): Promise<ComparedCommits> {
  if (!workspace.isGit) {
    throw new UserError(
      `${workspace.scanRoot} is not in a git repository; policy-diff reads the policy from git at two commits (check the repository out with actions/checkout and fetch-depth: 0).`,
    );
  }
  const change = await resolveChange({
    cwd: workspace.root,
    env: refs.env,
    ...(refs.base ? { base: refs.base } : {}),
    ...(refs.head ? { head: refs.head } : {}),
  });
  if (!change.mergeBaseSha) {
    const why = change.why ?? "no base commit is known";
    throw new UserError(
      `policy-diff compares the policy at two commits, and this run has no base commit (${why}). Give the base input, e.g. base: main.`,
    );
  }
  io.info(describeChange(change));
  return { baseSha: change.mergeBaseSha, headSha: change.headSha, change };
}
