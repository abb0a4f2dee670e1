import type { LabelEffect } from "@secflow/kit";
import type { GatePolicy } from "./gate-policy.ts";
import type { GitHubApi, LabelEvent } from "./github-api.ts";

export interface LabelRecord {
  name: string;
  effect: LabelEffect;
  honoured: boolean;
  appliedBy?: string;
  appliedAt?: string;
  why: string;
}

export interface LabelState {
  records: LabelRecord[];
  /** Failures to read who applied a label; such a label is not honoured. */
  warnings: string[];
}

/** Only these loosen the gate, so only these need to prove who applied them. */
const RELAXING: readonly LabelEffect[] = ["skip-review", "allow-large-batch", "skip-documentation"];

export interface LabelFacts {
  labels: readonly string[];
  author?: string;
  number?: number;
}

/**
 * The configured labels on the pull request and whether each counts. A label that tightens
 * the gate always counts. One that loosens it counts only when the issue events show it was
 * applied by someone its `applied-by` allows, and never by the pull request's author.
 */
export async function evaluateLabels(
  policy: GatePolicy,
  facts: LabelFacts,
  api: GitHubApi | undefined,
): Promise<LabelState> {
  const state: LabelState = { records: [], warnings: [] };
  let events: LabelEvent[] | undefined;
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
    if (!api || facts.number === undefined) {
      record.why =
        "who applied it cannot be checked without a token and a pull-request event, so it is not honoured";
      continue;
    }
    try {
      events ??= await api.labelEvents(facts.number);
    } catch (error) {
      record.why = "who applied it could not be read, so it is not honoured";
      state.warnings.push(`Label "${name}" is not honoured: ${(error as Error).message}`);
      continue;
    }
    const applied = events.filter((e) => same(e.label, name)).at(-1);
    if (!applied) {
      record.why = "no labeled event found for it, so it is not honoured";
      continue;
    }
    Object.assign(record, {
      appliedBy: applied.actor,
      ...(applied.createdAt ? { appliedAt: applied.createdAt } : {}),
    });
    if (facts.author && same(applied.actor, facts.author)) {
      record.why = "applied by the pull request's author; a change cannot loosen its own gate";
    } else if (label.appliedBy && !label.appliedBy.some((login) => same(login, applied.actor))) {
      record.why = `applied by ${applied.actor}, who is not in applied-by (${label.appliedBy.join(", ")})`;
    } else {
      Object.assign(record, { honoured: true, why: `applied by ${applied.actor}` });
    }
  }
  return state;
}

export function honoured(state: LabelState, effect: LabelEffect): LabelRecord | undefined {
  return state.records.find((r) => r.honoured && r.effect === effect);
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
