import type { WaiverBook } from "@secflow/kit";
import type { ChangeFacts } from "./change-facts.ts";
import type { FindingSet } from "./findings.ts";
import type { GatePolicy } from "./gate-policy.ts";
import type { LabelState } from "./labels.ts";
import type { PolicyDiff } from "./policy-diff-file.ts";
import { type Problem, problemReason, type Reason, type Reported, type RuleRecord } from "./reasons.ts";
import { batchSizeRule } from "./rules/batch-size.ts";
import { documentationRule } from "./rules/documentation.ts";
import { escalationsRule } from "./rules/escalations.ts";
import { expectedInputsRule } from "./rules/expected-inputs.ts";
import { newFindingsRule } from "./rules/new-findings.ts";
import { reviewLabelRule } from "./rules/review-label.ts";
import { sensitivePathsRule } from "./rules/sensitive-paths.ts";
import type { LoadedRun } from "./sarif-inputs.ts";

export interface EvaluationInputs {
  policy: GatePolicy;
  /** Unset when the change itself could not be read; that is a problem of its own. */
  facts?: ChangeFacts;
  findings: FindingSet;
  runs: readonly LoadedRun[];
  diff?: PolicyDiff;
  labels: LabelState;
  waivers: WaiverBook;
  /** Inputs that could not be used (missing, invalid, unreadable). */
  problems: readonly Problem[];
  /** Failures that leave the gate nothing to judge by (unreadable change or configuration). */
  fatal: readonly Reason[];
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
  const expected = expectedInputsRule(policy.expected, inputs.runs, inputs.diff !== undefined);
  problems.push(...expected.problems);
  rules.push(expected.record);
  rules.push(newFindingsRule(findings, policy, waivers));
  const policyFindings = findings.findings.filter((f) => f.category === "policy");
  rules.push(escalationsRule(inputs.diff, policyFindings, policy, waivers));
  if (facts) {
    rules.push(batchSizeRule(facts, policy, labels));
    rules.push(sensitivePathsRule(facts, policy));
  }
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
