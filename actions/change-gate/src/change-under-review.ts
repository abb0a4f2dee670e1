import { isUserError } from "@secflow/errors";
import {
  PULL_REQUEST_EVENTS,
  type PullRequestContext,
  pullRequestContext,
  resolveCommit,
} from "@secflow/kit";
import type { Reason } from "./reasons.ts";

/** A `base` or `head` input that names another commit than the event's. */
interface Override {
  /** The input as given. */
  input: string;
  /** The commit it names; null when it names none in the clone. */
  sha: string | null;
  /** In a pull-request event an override is refused: the event's commit is judged. */
  refused: boolean;
}

/** The event's own commits and what the inputs made of them, for the evidence. */
export interface ChangeRecord {
  eventBaseSha: string | null;
  eventHeadSha: string | null;
  baseOverride: Override | null;
  headOverride: Override | null;
}

export interface ChangeUnderReview {
  context?: PullRequestContext;
  record: ChangeRecord;
  /** A refused override: a review. */
  reasons: Reason[];
  /** The change cannot be read: the gate fails. */
  fatal: Reason[];
}

/** The event's commits alone (no inputs), or nothing outside a workflow or when they cannot be read. */
export async function eventChange(
  root: string,
  env: NodeJS.ProcessEnv,
): Promise<PullRequestContext | undefined> {
  if (!env.GITHUB_EVENT_NAME) return undefined;
  try {
    return await pullRequestContext({ cwd: root, env });
  } catch (error) {
    if (isUserError(error)) return undefined;
    throw error;
  }
}

/**
 * The change the gate judges. The `base` and `head` inputs win over the event, as in every
 * action, except in a pull-request event: there the workflow that passes them may be the pull
 * request's own, and `base: <head sha>` would have the gate read the head's relaxed policy. So
 * a pull-request event is always judged on its own base and head, and an input that names
 * other commits is refused, recorded and asks for a security review.
 */
export async function changeUnderReview(
  root: string,
  env: NodeJS.ProcessEnv,
  inputs: { base?: string; head?: string },
  event: PullRequestContext | undefined,
): Promise<ChangeUnderReview> {
  const eventName = env.GITHUB_EVENT_NAME;
  const pullRequest = eventName !== undefined && PULL_REQUEST_EVENTS.has(eventName);
  const result: ChangeUnderReview = {
    record: {
      eventBaseSha: event?.baseSha ?? null,
      eventHeadSha: event?.headSha ?? null,
      baseOverride: null,
      headOverride: null,
    },
    reasons: [],
    fatal: [],
  };
  try {
    result.context = pullRequest
      ? (event ?? (await pullRequestContext({ cwd: root, env })))
      : await pullRequestContext({ cwd: root, env, ...inputs });
  } catch (error) {
    // Commits missing from the clone (the kit's MissingMergeBaseError, an unknown ref): fail closed.
    if (!isUserError(error)) throw error;
    const message = `The change cannot be read: ${error.message}`;
    result.fatal.push({ rule: "gate/invalid-input", verdict: "fail", message, identity: "context" });
  }
  for (const side of ["base", "head"] as const) {
    const input = inputs[side];
    if (input === undefined) continue;
    const sha = (await resolveCommit(root, input)) ?? null;
    const eventSha = side === "base" ? result.record.eventBaseSha : result.record.eventHeadSha;
    if (sha !== null && sha === eventSha) continue;
    result.record[side === "base" ? "baseOverride" : "headOverride"] = { input, sha, refused: pullRequest };
    if (pullRequest && eventSha) result.reasons.push(refusal(side, input, sha, eventSha, eventName));
  }
  return result;
}

function refusal(
  side: "base" | "head",
  input: string,
  sha: string | null,
  eventSha: string,
  eventName: string,
): Reason {
  const named = sha
    ? `commit ${sha.slice(0, 12)}`
    : `${JSON.stringify(input)}, which is no commit in the clone`;
  const policy =
    side === "base"
      ? "the gate reads its policy from the event's base, and a moved base"
      : "the gate judges the event's head, and a moved head";
  return {
    rule: "gate/base-override",
    verdict: "review",
    message: `The ${side} input names ${named}, not the pull request's ${side} ${eventSha.slice(0, 12)}: in a ${eventName} event ${policy} needs a security review`,
    identity: `override|${side}|${input}`,
  };
}
