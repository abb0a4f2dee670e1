import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Severity } from "@secflow/sarif";
import type { ChangeKind } from "./diff.ts";
import type { Effect, PolicySource } from "./grant.ts";

// The normalized diff that actions/change-gate reads. The gate validates it on its own (it does
// not import this package), so the shape here is a contract: change it only with the gate.

export type ChangeClass = "escalation" | "widening" | "neutral" | "reduction";

export interface PolicyChange {
  kind: ChangeKind;
  class: ChangeClass;
  severity: Severity;
  source: PolicySource;
  subject: string;
  permission: string;
  resource: string;
  effect: Effect;
  /** Repository-relative path: in head, or in base when `side` is "base" (a removal). */
  file: string;
  line: number;
  side: "head" | "base";
  before?: string;
  after?: string;
  ruleId: string;
  /** Touches a resource or secret the team marked sensitive in secflow.yml. */
  sensitive: boolean;
}

/** A policy file that could not be read; the gate treats it as needing review. */
export interface UnreadableFile {
  file: string;
  ref: "base" | "head";
  reason: string;
}

export interface PolicyDiff {
  version: 1;
  /** The commit compared against: the merge base of the base ref and head. */
  base: string;
  head: string;
  changes: PolicyChange[];
  unreadable: UnreadableFile[];
  counts: { escalations: number; widenings: number; neutral: number; reductions: number };
}

export function countChanges(changes: readonly PolicyChange[]): PolicyDiff["counts"] {
  const count = (c: ChangeClass) => changes.filter((change) => change.class === c).length;
  return {
    escalations: count("escalation"),
    widenings: count("widening"),
    neutral: count("neutral"),
    reductions: count("reduction"),
  };
}

export async function writeDiffFile(file: string, diff: PolicyDiff): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(diff, null, 2)}\n`);
}
