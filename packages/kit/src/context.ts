import { readFile } from "node:fs/promises";
import { isUserError, UserError } from "@secflow/errors";
import { type ChangedFile, changedFiles, mergeBase, resolveCommit, revParse } from "./git.ts";

export interface PullRequestContext {
  eventName?: string;
  number?: number;
  title?: string;
  body?: string;
  author?: string;
  url?: string;
  repository?: { owner: string; repo: string };
  /** The base commit: the base branch's tip for a pull-request event, else the explicit or found base. */
  baseSha: string;
  headSha: string;
  /** Where head branched from base; what changedFiles compares against. Unset when unknown. */
  mergeBaseSha?: string;
  baseRef?: string;
  headRef?: string;
  labels: string[];
  additions: number;
  deletions: number;
  changedFiles: ChangedFile[];
  /** changedFiles.length, or the event's count when the files could not be listed. */
  changedFileCount: number;
  draft?: boolean;
  /** Set when the changes could not be read from git and come from the event instead. */
  warning?: string;
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

const PULL_REQUEST_EVENTS = new Set(["pull_request", "pull_request_target", "pull_request_review"]);
// Tried in order when no base is given outside a pull-request event.
const DEFAULT_BASES = ["origin/HEAD", "origin/main", "main", "origin/master", "master"];

/** The parts of a pull-request webhook payload we use. */
interface EventPayload {
  pull_request?: {
    number?: number;
    title?: string;
    body?: string | null;
    html_url?: string;
    draft?: boolean;
    additions?: number;
    deletions?: number;
    changed_files?: number;
    user?: { login?: string };
    labels?: { name?: string }[];
    base?: { sha?: string; ref?: string };
    head?: { sha?: string; ref?: string };
  };
  repository?: { name?: string; owner?: { login?: string } };
}

/**
 * Facts about the change under review: from the pull-request event payload in a workflow
 * (GITHUB_EVENT_PATH), else from local git, with explicit base/head refs taking precedence.
 */
export async function pullRequestContext(options: PullRequestContextOptions): Promise<PullRequestContext> {
  const { cwd, env = process.env } = options;
  const eventName = env.GITHUB_EVENT_NAME || undefined;
  const payload =
    eventName && PULL_REQUEST_EVENTS.has(eventName) && env.GITHUB_EVENT_PATH
      ? await readPayload(env.GITHUB_EVENT_PATH)
      : undefined;
  const pr = payload?.pull_request;

  let baseSha: string;
  let headSha: string;
  if (pr?.base?.sha && pr.head?.sha) {
    baseSha = options.base ? await revParse(cwd, options.base) : pr.base.sha;
    headSha = options.head ? await revParse(cwd, options.head) : pr.head.sha;
  } else {
    headSha = await revParse(cwd, options.head ?? "HEAD");
    baseSha = options.base ? await revParse(cwd, options.base) : await findBase(cwd, headSha);
  }

  const context: PullRequestContext = {
    eventName,
    number: pr?.number,
    title: pr?.title,
    body: pr?.body ?? undefined,
    author: pr?.user?.login,
    url: pr?.html_url,
    repository: repositoryOf(payload, env.GITHUB_REPOSITORY),
    baseSha,
    headSha,
    baseRef: pr?.base?.ref,
    headRef: pr?.head?.ref,
    labels: (pr?.labels ?? []).flatMap((label) => (label.name ? [label.name] : [])),
    additions: 0,
    deletions: 0,
    changedFiles: [],
    changedFileCount: 0,
    draft: pr?.draft,
  };

  const local = await localChanges(cwd, baseSha, headSha, pr !== undefined);
  if (local) {
    const { mergeBaseSha, files } = local;
    Object.assign(context, {
      mergeBaseSha,
      changedFiles: files,
      changedFileCount: files.length,
      additions: files.reduce((sum, f) => sum + f.additions, 0),
      deletions: files.reduce((sum, f) => sum + f.deletions, 0),
    });
  } else {
    // Typical of a shallow clone: the event still knows the sizes, not the files.
    Object.assign(context, {
      additions: pr?.additions ?? 0,
      deletions: pr?.deletions ?? 0,
      changedFileCount: pr?.changed_files ?? 0,
      warning:
        `Commits ${baseSha.slice(0, 12)} and ${headSha.slice(0, 12)} and their merge base are not all in the ` +
        "local clone, so the changed files are unknown and the sizes come from the event. " +
        "Check out the full history: actions/checkout with fetch-depth: 0.",
    });
  }
  // Leave unset fields out, so the context reads (and compares) cleanly.
  for (const key of Object.keys(context) as (keyof PullRequestContext)[]) {
    if (context[key] === undefined) delete context[key];
  }
  return context;
}

async function readPayload(file: string): Promise<EventPayload> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as EventPayload;
  } catch (error) {
    throw new UserError(
      `Cannot read the event payload ${file} (GITHUB_EVENT_PATH): ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

function repositoryOf(payload: EventPayload | undefined, fromEnv: string | undefined) {
  const owner = payload?.repository?.owner?.login;
  const repo = payload?.repository?.name;
  if (owner && repo) return { owner, repo };
  const match = /^([^/]+)\/([^/]+)$/.exec(fromEnv ?? "");
  return match?.[1] && match[2] ? { owner: match[1], repo: match[2] } : undefined;
}

/** The merge base of head with the repository's main branch, for local runs. */
async function findBase(cwd: string, headSha: string): Promise<string> {
  for (const candidate of DEFAULT_BASES) {
    if (await resolveCommit(cwd, candidate)) return mergeBase(cwd, candidate, headSha);
  }
  throw new UserError(
    `Cannot tell what this change is based on: ${cwd} has none of ${DEFAULT_BASES.join(", ")}. ` +
      "Pass --base <ref> (the branch or commit to compare with).",
  );
}

/**
 * The changed files from git; undefined when the commits are not available locally and the
 * event can stand in for them (outside an event, that is an error the user must fix).
 */
async function localChanges(cwd: string, baseSha: string, headSha: string, eventCanStandIn: boolean) {
  try {
    if (eventCanStandIn && !((await resolveCommit(cwd, baseSha)) && (await resolveCommit(cwd, headSha)))) {
      return undefined;
    }
    const mergeBaseSha = await mergeBase(cwd, baseSha, headSha);
    return { mergeBaseSha, files: await changedFiles(cwd, mergeBaseSha, headSha) };
  } catch (error) {
    if (eventCanStandIn && isUserError(error)) return undefined;
    throw error;
  }
}
