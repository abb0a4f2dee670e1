// The policy-diff file: what actions/policy-diff writes at `diff-output` and actions/change-gate
// reads. One type and one schema (schema/policy-diff.schema.json), owned by neither action.

import type { ErrorObject } from "ajv";
import validatePolicyDiffSchema from "./generated/policy-diff.validator.js";

export type Severity = "critical" | "high" | "medium" | "low" | "info";
export type ChangeKind = "added" | "widened" | "narrowed" | "removed";
export type ChangeClass = "escalation" | "widening" | "neutral" | "reduction";
export type PolicySource = "enrolment" | "workflow" | "kubernetes" | "iam" | "codeowners" | "secflow-config";
export type Effect = "allow" | "deny";

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

/**
 * Checks a parsed value against the schema (precompiled by scripts/compile-schema.mjs) and that
 * its counts agree with its changes. Returns the problems, one line each; none means valid.
 */
export function checkPolicyDiff(value: unknown): string[] {
  if (!validatePolicyDiffSchema(value)) {
    return [`not a policy-diff file of version 1:\n${describe(validatePolicyDiffSchema.errors ?? [])}`];
  }
  const diff = value as PolicyDiff;
  const counted = countChanges(diff.changes);
  if (JSON.stringify(counted) !== JSON.stringify(diff.counts)) {
    return [
      `its counts ${JSON.stringify(diff.counts)} disagree with its changes ${JSON.stringify(counted)}; the file is incomplete or was edited`,
    ];
  }
  return [];
}

function describe(errors: readonly ErrorObject[]): string {
  return errors
    .slice(0, 5)
    .map((e) => {
      const extra = e.keyword === "additionalProperties" ? ` "${String(e.params.additionalProperty)}"` : "";
      return `${e.instancePath || "/"}: ${e.message ?? e.keyword}${extra}`;
    })
    .join("\n");
}
