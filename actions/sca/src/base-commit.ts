// Which commit a pull request is compared with, and the lockfiles as they were there (read with
// git, without a checkout).

import { git, pullRequestContext } from "@secflow/kit";
import type { BaseLockfiles } from "./baseline.ts";
import { atCommit, readLockfiles } from "./lockfiles/read.ts";
import type { Skip } from "./model.ts";

export interface BaseChoice {
  /** The commit compared with: where the change branched off its base. */
  commit: string;
  /** What the user or event named, for messages. */
  label: string;
  headSha: string;
  headRef?: string;
  baseRef?: string;
  renamed: Map<string, string>;
  /** Set when the history is too shallow to list changed files (renames then go unseen). */
  warning?: string;
}

const PR_EVENTS = new Set(["pull_request", "pull_request_target", "pull_request_review"]);

/** Undefined when no comparison applies: `none`, or `auto` outside a pull request. */
export async function chooseBase(
  baseline: string,
  workspace: string,
  env: NodeJS.ProcessEnv,
): Promise<BaseChoice | undefined> {
  if (baseline === "none") return undefined;
  if (
    baseline === "auto" &&
    !(env.GITHUB_EVENT_NAME && PR_EVENTS.has(env.GITHUB_EVENT_NAME) && env.GITHUB_EVENT_PATH)
  )
    return undefined;
  const context = await pullRequestContext({
    cwd: workspace,
    env,
    ...(baseline === "auto" ? {} : { base: baseline }),
  });
  const commit = context.mergeBaseSha ?? context.baseSha;
  const renamed = new Map<string, string>();
  for (const file of context.changedFiles)
    if (file.status === "renamed" && file.previousPath) renamed.set(file.path, file.previousPath);
  return {
    commit,
    label: baseline === "auto" ? (context.baseRef ?? commit.slice(0, 12)) : baseline,
    headSha: context.headSha,
    ...(context.headRef ? { headRef: context.headRef } : {}),
    ...(context.baseRef ? { baseRef: context.baseRef } : {}),
    renamed,
    ...(context.warning ? { warning: context.warning } : {}),
  };
}

/** The base versions of the given head lockfiles (renames followed). */
export async function readBaseLockfiles(
  workspace: string,
  base: BaseChoice,
  headPaths: readonly string[],
): Promise<{ base: BaseLockfiles; skipped: Skip[] }> {
  const prefix = (await git(["rev-parse", "--show-prefix"], workspace)).trim();
  const paths = headPaths.map((p) => base.renamed.get(p) ?? p);
  const read = await readLockfiles(paths, atCommit(workspace, base.commit, prefix));
  return {
    base: { byPath: new Map(read.lockfiles.map((l) => [l.path, l])), previousPath: base.renamed },
    // Problems of the base lockfiles concern the comparison only; they are named as such.
    skipped: read.skipped.map((s) => ({ subject: `${s.subject} at ${base.label}`, reason: s.reason })),
  };
}
