import { type ApprovalFacts, type ApprovalOutcome, checkApprovals } from "./approvals.ts";
import type { Evaluation } from "./evaluate.ts";
import type { GatePolicy } from "./gate-policy.ts";
import type { GitHubApi } from "./github-api.ts";
import { honoured, type LabelState } from "./labels.ts";
import { type Decision, decisionOf, problemReason, type Reason, sortReasons } from "./reasons.ts";

export interface Verdict {
  decision: Decision;
  /** What the rules alone decided, before an approval or a label cleared a review. */
  ruleDecision: Decision;
  /** What turned a review into a pass. */
  clearedBy?: string;
  approvals?: ApprovalOutcome;
  reasons: Reason[];
}

/**
 * A fail stands. A review becomes a pass through a skip-review label applied by someone
 * allowed to, or through an authorized approval; reading the reviews failing is a problem that
 * gets the policy's on-missing verdict, so an API outage never reads as approval.
 */
export async function decide(
  evaluation: Evaluation,
  labels: LabelState,
  api: GitHubApi | undefined,
  facts: ApprovalFacts,
  policy: GatePolicy,
): Promise<Verdict> {
  const reasons = [
    ...evaluation.reasons,
    ...labels.warnings.map(
      (message): Reason => ({ rule: "gate/api-error", verdict: "warn", message, identity: message }),
    ),
  ];
  const ruleDecision = decisionOf(reasons);
  if (ruleDecision !== "review")
    return { decision: ruleDecision, ruleDecision, reasons: sortReasons(reasons) };
  const skip = honoured(labels, "skip-review");
  if (skip) {
    return {
      decision: "pass",
      ruleDecision,
      clearedBy: `the label "${skip.name}", ${skip.why}`,
      reasons: sortReasons(reasons),
    };
  }
  const approvals = await checkApprovals(api, facts, policy);
  if (approvals.problem) reasons.push(problemReason(approvals.problem, policy.onMissing));
  const decision = decisionOf(reasons);
  if (decision === "review" && approvals.approved) {
    const by = approvals.approvedBy.join(", ");
    return {
      decision: "pass",
      ruleDecision,
      clearedBy: `an approval of the head commit by ${by}`,
      approvals,
      reasons: sortReasons(reasons),
    };
  }
  return { decision, ruleDecision, approvals, reasons: sortReasons(reasons) };
}
