// The change under test: which commits an action compares, for every event a workflow can run
// on and for local runs. One resolver, so every action means the same by base, merge base and head.

import { readFile } from "node:fs/promises";
import { UserError } from "@secflow/errors";
import { FETCH_HINT, mergeBaseOf, resolveCommit, revParse } from "./git.ts";

/** Events whose payload carries a pull request (base and head commits, labels, author). */
export const PULL_REQUEST_EVENTS: ReadonlySet<string> = new Set([
  "pull_request",
  "pull_request_target",
  "pull_request_review",
]);

/** Where the base commit came from. */
export type BaseSource = "input" | "pull-request" | "merge-group" | "push" | "local-branch";

export interface Change {
  eventName?: string;
  headSha: string;
  /** What the change is compared with; unset when nothing is (a full scan, see `why`). */
  baseSha?: string;
  /** Where head branched from base: what a diff starts at. Set whenever baseSha is. */
  mergeBaseSha?: string;
  baseSource?: BaseSource;
  /** The event's own base when the `base` input overrides it. */
  eventBaseSha?: string;
  /** The event's own head when another commit is compared (the input, or the checked-out merge commit). */
  eventHeadSha?: string;
  baseRef?: string;
  headRef?: string;
  /** Why there is no base, for the log ("a schedule run scans everything"). */
  why?: string;
}

export interface ChangeOptions {
  /** A folder of the repository. */
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** The `base` input: a ref overriding the event's base. */
  base?: string;
  /** The `head` input: a ref overriding the event's head. */
  head?: string;
  /**
   * The action scans the checked-out working tree, so head is what is checked out (HEAD) unless
   * the `head` input names another commit. On a pull request actions/checkout checks out the
   * merge commit by default: comparing it with its merge base (the base tip) gives exactly what
   * the merge adds, where the event's head would count what main gained since as new.
   */
  checkout?: boolean;
}

/** The parts of the webhook payloads we read. */
export interface EventPayload {
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
  merge_group?: { base_sha?: string; head_sha?: string; base_ref?: string; head_ref?: string };
  before?: string;
  after?: string;
  ref?: string;
  created?: boolean;
  repository?: { name?: string; owner?: { login?: string } };
}

// Tried in order for a local run with no event and no base.
const LOCAL_BASES = ["origin/HEAD", "origin/main", "main", "origin/master", "master"];
const NO_COMMIT = /^0+$/;

/** The event's payload (GITHUB_EVENT_PATH), or undefined outside a workflow. */
export async function readEventPayload(env: NodeJS.ProcessEnv): Promise<EventPayload | undefined> {
  const file = env.GITHUB_EVENT_PATH;
  if (!file || !env.GITHUB_EVENT_NAME) return undefined;
  try {
    return JSON.parse(await readFile(file, "utf8")) as EventPayload;
  } catch (error) {
    throw new UserError(
      `Cannot read the event payload ${file} (GITHUB_EVENT_PATH): ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * Resolves base, merge base and head. Inputs win over the event; the event's commits come from
 * `pull_request*` (base and head of the pull request), `merge_group` (the queue's base_sha and
 * head_sha) and `push` (before and after); `workflow_dispatch`, `schedule` and other events have
 * no base: a full scan. A local run with no event compares with the main branch when there is one.
 * A base with no merge base in the clone is a UserError (see MissingMergeBaseError).
 */
export async function resolveChange(options: ChangeOptions, payload?: EventPayload): Promise<Change> {
  const { cwd, env = process.env } = options;
  const eventName = env.GITHUB_EVENT_NAME || undefined;
  const event = payload ?? (await readEventPayload(env));
  const fromEvent = eventCommits(eventName, event);
  const headRef = options.head ?? (options.checkout ? "HEAD" : (fromEvent.head ?? "HEAD"));
  const headSha = await revParse(cwd, headRef);
  const change: Change = { headSha, ...(eventName ? { eventName } : {}) };
  if (fromEvent.head && fromEvent.head !== headSha) change.eventHeadSha = fromEvent.head;
  if (fromEvent.baseRef) change.baseRef = fromEvent.baseRef;
  if (fromEvent.headRef) change.headRef = fromEvent.headRef;

  let base: { sha: string; source: BaseSource } | undefined;
  if (options.base !== undefined) {
    base = { sha: await revParse(cwd, options.base), source: "input" };
    if (fromEvent.base && fromEvent.base !== base.sha) change.eventBaseSha = fromEvent.base;
  } else if (fromEvent.base) {
    base = { sha: fromEvent.base, source: fromEvent.source as BaseSource };
  } else if (event === undefined) {
    base = await localBase(cwd);
  }
  if (!base) {
    change.why =
      fromEvent.why ?? "no base commit is known (no event and no main branch); give the base input";
    return change;
  }
  change.baseSha = base.sha;
  change.baseSource = base.source;
  change.mergeBaseSha = await requireMergeBase(cwd, base.sha, headSha);
  return change;
}

interface EventCommits {
  base?: string;
  head?: string;
  source?: BaseSource;
  baseRef?: string;
  headRef?: string;
  why?: string;
}

function eventCommits(eventName: string | undefined, event: EventPayload | undefined): EventCommits {
  if (eventName === undefined || event === undefined) return {};
  if (PULL_REQUEST_EVENTS.has(eventName) && event.pull_request) {
    const pr = event.pull_request;
    return defined({
      base: pr.base?.sha,
      head: pr.head?.sha,
      source: "pull-request",
      baseRef: pr.base?.ref,
      headRef: pr.head?.ref,
    });
  }
  if (eventName === "merge_group" && event.merge_group) {
    const group = event.merge_group;
    return defined({
      base: group.base_sha,
      head: group.head_sha,
      source: "merge-group",
      baseRef: group.base_ref?.replace(/^refs\/heads\//, ""),
      headRef: group.head_ref?.replace(/^refs\/heads\//, ""),
    });
  }
  if (eventName === "push") {
    const head = event.after && !NO_COMMIT.test(event.after) ? event.after : undefined;
    if (!event.before || NO_COMMIT.test(event.before) || event.created) {
      return defined({
        head,
        why: "the push created the branch, so there is no earlier commit",
      });
    }
    return defined({
      base: event.before,
      head,
      source: "push",
      headRef: event.ref?.replace(/^refs\/heads\//, ""),
    });
  }
  return { why: `a ${eventName} run has no base commit` };
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

async function localBase(cwd: string): Promise<{ sha: string; source: BaseSource } | undefined> {
  for (const candidate of LOCAL_BASES) {
    const sha = await resolveCommit(cwd, candidate);
    if (sha) return { sha, source: "local-branch" };
  }
  return undefined;
}

/** Base or head is not in the clone, or the two share no history here (a shallow clone). */
export class MissingMergeBaseError extends UserError {
  override readonly name: string = "MissingMergeBaseError";
}

/** The merge base of base and head; a MissingMergeBaseError, the same everywhere, when there is none. */
export async function requireMergeBase(cwd: string, baseSha: string, headSha: string): Promise<string> {
  // mergeBaseOf is undefined as well when base is not a commit in the clone: one git process.
  const found = await mergeBaseOf(cwd, baseSha, headSha);
  if (found) return found;
  throw new MissingMergeBaseError(
    `No merge base of the base commit ${baseSha.slice(0, 12)} and the head commit ${headSha.slice(0, 12)} in the clone, so the change cannot be told apart from what was there before (${FETCH_HINT}).`,
  );
}

/** "compared with main (merge base 1a2b3c4d5e6f)", or why nothing is compared. */
export function describeChange(change: Change): string {
  if (!change.baseSha || !change.mergeBaseSha) return `Not compared with a base: ${change.why ?? "no base"}.`;
  const what = change.baseRef ?? change.baseSha.slice(0, 12);
  const source = change.baseSource === "input" ? "the base input" : change.baseSource;
  return `Compared ${change.headSha.slice(0, 12)} with ${what} (merge base ${change.mergeBaseSha.slice(0, 12)}, from ${source}).`;
}
