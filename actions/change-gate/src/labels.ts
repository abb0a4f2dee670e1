import type { LabelEffect, PullRequestContext } from "@secflow/kit";
import type { GatePolicy } from "./gate-policy.ts";
import { ApiError, type GitHubApi, type IssueEvent } from "./github-api.ts";
import { type HeadPush, headPushTime } from "./head-push.ts";
import { isBot } from "./reviews.ts";

export interface LabelRecord {
  name: string;
  effect: LabelEffect;
  honoured: boolean;
  appliedBy?: string;
  /** "User" or "Bot", as GitHub reports the account that applied the label. */
  appliedByType?: string;
  appliedAt?: string;
  /** When the head commit was pushed, and on what that time rests. */
  headPushedAt?: string;
  headPushBasis?: string;
  why: string;
}

export interface LabelState {
  records: LabelRecord[];
  /** Failures to read who applied a label; such a label is not honoured. */
  warnings: string[];
}

/** Only these loosen the gate, so only these need to prove who applied them, and when. */
const RELAXING: readonly LabelEffect[] = ["skip-review", "allow-large-batch", "skip-documentation"];

export interface LabelFacts {
  labels: readonly string[];
  author?: string;
  number?: number;
  headSha?: string;
}

/** What evaluateLabels needs from the change the gate judges. */
export function labelFacts(context: PullRequestContext | undefined): LabelFacts {
  return {
    labels: context?.labels ?? [],
    ...(context?.author ? { author: context.author } : {}),
    ...(context?.number !== undefined ? { number: context.number } : {}),
    ...(context?.headSha ? { headSha: context.headSha } : {}),
  };
}

/**
 * The configured labels on the pull request and whether each counts. A label that tightens the
 * gate always counts. One that loosens it counts only when the issue events show it was applied
 * after the head commit was pushed, by someone its `applied-by` allows, never by the pull
 * request's author, and never by a bot (a workflow on the pull request's branch can label with
 * github-actions[bot]) unless `applied-by` names that bot.
 */
export async function evaluateLabels(
  policy: GatePolicy,
  facts: LabelFacts,
  api: GitHubApi | undefined,
): Promise<LabelState> {
  const state: LabelState = { records: [], warnings: [] };
  let provenance: Promise<Provenance> | undefined;
  for (const [name, label] of Object.entries(policy.labels)) {
    if (!facts.labels.some((l) => same(l, name))) continue;
    const record: LabelRecord = { name, effect: label.effect, honoured: false, why: "" };
    state.records.push(record);
    if (!RELAXING.includes(label.effect)) {
      Object.assign(record, {
        honoured: true,
        why: "a label that tightens the gate counts whoever applied it",
      });
      continue;
    }
    if (!api || facts.number === undefined || !facts.headSha) {
      record.why =
        "who applied it cannot be checked without a token and a pull-request event, so it is not honoured";
      continue;
    }
    let known: Provenance;
    try {
      known = await (provenance ??= provenanceOf(api, facts.number, facts.headSha));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      record.why = "who applied it, or when, could not be read, so it is not honoured";
      state.warnings.push(`Label "${name}" is not honoured: ${error.message}`);
      continue;
    }
    judge(record, label.appliedBy, facts, known);
  }
  return state;
}

interface Provenance {
  events: IssueEvent[];
  push?: HeadPush;
}

async function provenanceOf(api: GitHubApi, number: number, headSha: string): Promise<Provenance> {
  const events = await api.issueEvents(number);
  const push = await headPushTime(api, headSha, events);
  return { events, ...(push ? { push } : {}) };
}

function judge(
  record: LabelRecord,
  appliedBy: string[] | undefined,
  facts: LabelFacts,
  known: Provenance,
): void {
  const applied = known.events
    .filter((e) => e.event === "labeled" && e.label && same(e.label, record.name))
    .at(-1);
  if (!applied?.actor) {
    record.why = "no labeled event found for it, so it is not honoured";
    return;
  }
  const actor = applied.actor;
  Object.assign(record, {
    appliedBy: actor.login,
    ...(actor.type ? { appliedByType: actor.type } : {}),
    ...(applied.createdAt ? { appliedAt: applied.createdAt } : {}),
    ...(known.push ? { headPushedAt: known.push.at, headPushBasis: known.push.basis } : {}),
  });
  const named = appliedBy?.some((login) => same(login, actor.login)) ?? false;
  if (facts.author && same(actor.login, facts.author)) {
    record.why = "applied by the pull request's author; a change cannot loosen its own gate";
  } else if (isBot(actor.login, actor.type) && !named) {
    record.why = `applied by ${actor.login}, a bot; a bot's label counts only when applied-by names it`;
  } else if (appliedBy && !named) {
    record.why = `applied by ${actor.login}, who is not in applied-by (${appliedBy.join(", ")})`;
  } else if (!known.push) {
    record.why =
      "GitHub shows no check suite for the head commit, so when it was pushed is unknown and the label cannot be shown to be newer; it is not honoured";
  } else if (!applied.createdAt || !(Date.parse(applied.createdAt) > Date.parse(known.push.at))) {
    record.why = `applied at ${applied.createdAt ?? "an unknown time"}, before the head commit was pushed (${known.push.at}, ${known.push.basis}); apply it again to vouch for the new commits`;
  } else {
    Object.assign(record, { honoured: true, why: `applied by ${actor.login} after the last push` });
  }
}

export function honoured(state: LabelState, effect: LabelEffect): LabelRecord | undefined {
  return state.records.find((r) => r.honoured && r.effect === effect);
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
