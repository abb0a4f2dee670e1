import type { WaiverBook } from "@secflow/kit";
import type { ChangeFacts } from "./change-facts.ts";
import type { ChangeRecord } from "./change-under-review.ts";
import type { FindingSet } from "./findings.ts";
import type { GatePolicy } from "./gate-policy.ts";
import type { LabelState } from "./labels.ts";
import type { PolicyDiffInput } from "./policy-diff-file.ts";
import { type Problem, problemReason, type Reason, type Reported, type RuleRecord } from "./reasons.ts";
import { baseOverrideRule } from "./rules/base-override.ts";
import { batchSizeRule } from "./rules/batch-size.ts";
import { documentationRule } from "./rules/documentation.ts";
import { escalationsRule } from "./rules/escalations.ts";
import { expectedInputsRule } from "./rules/expected-inputs.ts";
import { newFindingsRule } from "./rules/new-findings.ts";
import { reviewLabelRule } from "./rules/review-label.ts";
import { sensitivePathsRule } from "./rules/sensitive-paths.ts";
import { workflowChangeRule } from "./rules/workflow-change.ts";
import type { IgnoredRun, LoadedRun } from "./sarif-inputs.ts";
import type { SecflowWorkflowChange } from "./workflow-files.ts";

export interface EvaluationInputs {
  policy: GatePolicy;
  /** Unset when the change itself could not be read; that is a problem of its own. */
  facts?: ChangeFacts;
  findings: FindingSet;
  runs: readonly LoadedRun[];
  /** Runs not bound to the change (committed, stale, without provenance). */
  ignored: readonly IgnoredRun[];
  policyDiff?: PolicyDiffInput;
  /** The event's commits and any base or head input, with the reasons a refused one gives. */
  change: { record: ChangeRecord; reasons: readonly Reason[] };
  /** Changed workflows that run secflow; unset when the change could not be read. */
  workflowChanges?: readonly SecflowWorkflowChange[];
  labels: LabelState;
  waivers: WaiverBook;
  /** Inputs that could not be used (missing, invalid, unreadable). */
  problems: readonly Problem[];
  /** Failures that leave the gate nothing to judge by (unreadable change or configuration). */
  fatal: readonly Reason[];
  /** The base configuration could not be read: what it expects is unknown (the gate fails anyway). */
  policyUnreadable?: boolean;
}

export interface Evaluation {
  rules: RuleRecord[];
  reasons: Reason[];
  reported: Reported[];
  /** A finding, escalation, sensitive path, large batch or label asks for review or fails. */
  risky: boolean;
}

/** Runs every rule of the policy; the decision follows from the reasons. */
export function evaluate(inputs: EvaluationInputs): Evaluation {
  const { policy, facts, findings, labels, waivers } = inputs;
  const problems = [...inputs.problems];
  const rules: RuleRecord[] = [];
  const expected = inputs.policyUnreadable
    ? { record: skippedRecord("expected-inputs", "the gate policy could not be read"), problems: [] }
    : expectedInputsRule(policy, inputs);
  problems.push(...expected.problems);
  rules.push(expected.record);
  rules.push(baseOverrideRule(inputs.change.record, inputs.change.reasons));
  rules.push(newFindingsRule(findings, policy, waivers));
  const policyFindings = findings.findings.filter((f) => f.category === "policy");
  rules.push(escalationsRule(inputs.policyDiff?.diff, policyFindings, policy, waivers));
  if (facts) {
    rules.push(batchSizeRule(facts, policy, labels));
    rules.push(sensitivePathsRule(facts, policy));
  }
  rules.push(workflowChangeRule(inputs.workflowChanges));
  rules.push(reviewLabelRule(labels));
  const risky = rules.some((r) => r.reasons.some((reason) => reason.verdict !== "warn"));
  rules.push(documentationRule(facts?.body, policy, risky, labels));
  rules.push({
    rule: "input-problems",
    settings: { "on-missing": policy.onMissing },
    inputs: { problems: problems.length },
    reasons: [...inputs.fatal, ...problems.map((p) => problemReason(p, policy.onMissing))],
    reported: [],
  });
  return {
    rules,
    reasons: rules.flatMap((r) => r.reasons),
    reported: rules.flatMap((r) => r.reported),
    risky,
  };
}

function skippedRecord(rule: string, skipped: string): RuleRecord {
  return { rule, settings: {}, inputs: {}, reasons: [], reported: [], skipped };
}
