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
 * allowed to after the last push, or through enough eligible approvals of the head commit; a
 * standing change request from someone with write access keeps it in review either way. Reading
 * the reviews failing is a problem that gets the policy's on-missing verdict, so an API outage
 * never reads as approval.
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
  const approvals = await checkApprovals(api, facts, policy);
  if (approvals.problem) reasons.push(problemReason(approvals.problem, policy.onMissing));
  const decision = decisionOf(reasons);
  const verdict = { ruleDecision, approvals, reasons: sortReasons(reasons) };
  if (decision !== "review" || approvals.changesRequestedBy.length > 0) return { decision, ...verdict };
  const skip = honoured(labels, "skip-review");
  if (skip) return { decision: "pass", clearedBy: `the label "${skip.name}", ${skip.why}`, ...verdict };
  if (approvals.approved) {
    const by = approvals.approvedBy.join(", ");
    const count =
      approvals.approvedBy.length > 1 ? `${approvals.approvedBy.length} approvals` : "an approval";
    const pr = approvals.pullRequest;
    const of = pr?.source === "merge-queue" ? `pull request #${pr.number}'s head commit` : "the head commit";
    return { decision: "pass", clearedBy: `${count} of ${of} by ${by}`, ...verdict };
  }
  return { decision, ...verdict };
}
