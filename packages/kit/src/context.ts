import { type Change, type EventPayload, readEventPayload, resolveChange } from "./change.ts";
import { type ChangedFile, changedFiles } from "./git.ts";

/** The change under review with what the gate judges: its files, sizes, labels and author. */
export interface PullRequestContext extends Change {
  number?: number;
  title?: string;
  body?: string;
  author?: string;
  url?: string;
  repository?: { owner: string; repo: string };
  labels: string[];
  additions: number;
  deletions: number;
  changedFiles: ChangedFile[];
  changedFileCount: number;
  draft?: boolean;
}

export interface PullRequestContextOptions {
  /** The repository checkout. */
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** A ref overriding the base commit (the event's, or the one found locally). */
  base?: string;
  /** A ref overriding the head commit (the event's, or HEAD). */
  head?: string;
}

/**
 * Facts about the change under review: the commits from resolveChange (the event, else local
 * git, with explicit base/head refs taking precedence), the files from git, and the pull
 * request's own facts from the event payload.
 */
export async function pullRequestContext(options: PullRequestContextOptions): Promise<PullRequestContext> {
  const { cwd, env = process.env } = options;
  const payload = await readEventPayload(env);
  const change = await resolveChange(options, payload);
  const pr = payload?.pull_request;
  const files = change.mergeBaseSha ? await changedFiles(cwd, change.mergeBaseSha, change.headSha) : [];
  const context: PullRequestContext = {
    ...change,
    number: pr?.number,
    title: pr?.title,
    body: pr?.body ?? undefined,
    author: pr?.user?.login,
    url: pr?.html_url,
    repository: repositoryOf(payload, env.GITHUB_REPOSITORY),
    labels: (pr?.labels ?? []).flatMap((label) => (label.name ? [label.name] : [])),
    changedFiles: files,
    changedFileCount: files.length,
    additions: files.reduce((sum, f) => sum + f.additions, 0),
    deletions: files.reduce((sum, f) => sum + f.deletions, 0),
    draft: pr?.draft,
  };
  // Leave unset fields out, so the context reads (and compares) cleanly.
  for (const key of Object.keys(context) as (keyof PullRequestContext)[]) {
    if (context[key] === undefined) delete context[key];
  }
  return context;
}

function repositoryOf(payload: EventPayload | undefined, fromEnv: string | undefined) {
  const owner = payload?.repository?.owner?.login;
  const repo = payload?.repository?.name;
  if (owner && repo) return { owner, repo };
  const match = /^([^/]+)\/([^/]+)$/.exec(fromEnv ?? "");
  return match?.[1] && match[2] ? { owner: match[1], repo: match[2] } : undefined;
}
