import type { WaiverBook } from "@secflow/kit";
import { atLeast } from "@secflow/sarif";
import type { Finding } from "../findings.ts";
import type { GatePolicy } from "../gate-policy.ts";
import type { PolicyChange, PolicyDiff } from "../policy-diff-file.ts";
import { type Reason, type Reported, type RuleRecord, stricter, type Verdict } from "../reasons.ts";

/**
 * Privilege changes from the policy-diff file: escalations (and widenings of sensitive
 * privileges) at or above `escalations-from` get the policy's `escalations` verdict, any change at or above the policy
 * category's thresholds fails or needs review, reductions pass. Without the file, new policy
 * results in the SARIF cannot be told apart, so each is treated as an escalation. Only a waiver
 * that names a path or a fingerprint covers a policy change.
 */
export function escalationsRule(
  diff: PolicyDiff | undefined,
  policyFindings: readonly Finding[],
  policy: GatePolicy,
  waivers: WaiverBook,
): RuleRecord {
  const reasons: Reason[] = [];
  const reported: Reported[] = [];
  const classVerdict: Verdict | undefined = policy.escalations === "pass" ? undefined : policy.escalations;
  const settings = {
    escalations: policy.escalations,
    escalationsFrom: policy.escalationsFrom,
    thresholds: policy.policyChanges,
  };
  const escalationVerdict = (severity: PolicyChange["severity"]) =>
    atLeast(severity, policy.escalationsFrom) ? classVerdict : undefined;
  if (diff) {
    for (const change of diff.changes) {
      const what = describeChange(change);
      if (waivers.cover({ ruleId: change.ruleId, path: change.file }, what, { narrow: true })) continue;
      const risky = change.class === "escalation" || (change.class === "widening" && change.sensitive);
      const verdict = stricter(
        risky ? escalationVerdict(change.severity) : undefined,
        thresholdVerdict(change.severity, policy),
      );
      const location = { path: change.file, line: change.line, side: change.side };
      const message = `${what}${change.sensitive ? " — a sensitive privilege" : ""}`;
      if (verdict) {
        const identity = `${change.source}|${change.subject}|${change.permission}|${change.resource}|${change.kind}`;
        reasons.push({ rule: "gate/policy-escalation", verdict, message, location, identity });
      } else reported.push({ rule: "gate/policy-escalation", message, location });
    }
    return {
      rule: "policy-changes",
      settings,
      inputs: { ...diff.counts, policyResultsJudgedFromDiff: policyFindings.length },
      reasons,
      reported,
    };
  }
  let unclassified = 0;
  for (const finding of policyFindings) {
    if (!finding.isNew) continue;
    unclassified++;
    const what = `Policy change ${finding.ruleId} in ${finding.path}:${finding.line}: ${finding.message}`;
    if (waivers.cover(finding, what, { narrow: true })) continue;
    const verdict = stricter(escalationVerdict(finding.severity), thresholdVerdict(finding.severity, policy));
    const location = { path: finding.path, line: finding.line, side: "head" as const };
    const message = `${what} (no policy-diff file was given, so it counts as an escalation)`;
    const identity = finding.fingerprint ?? what;
    if (verdict) reasons.push({ rule: "gate/policy-escalation", verdict, message, location, identity });
    else reported.push({ rule: "gate/policy-escalation", message, location });
  }
  return {
    rule: "policy-changes",
    settings,
    inputs: { policyDiffFile: false, unclassifiedPolicyResults: unclassified },
    reasons,
    reported,
  };
}

function thresholdVerdict(severity: PolicyChange["severity"], policy: GatePolicy): Verdict | undefined {
  if (atLeast(severity, policy.policyChanges.fail)) return "fail";
  return atLeast(severity, policy.policyChanges.review) ? "review" : undefined;
}

const CLASS_NAMES: Record<PolicyChange["class"], string> = {
  escalation: "Privilege escalation",
  widening: "Privilege widening",
  neutral: "Neutral policy change",
  reduction: "Privilege reduction",
};

/** "Privilege escalation (high, iam): checkout — added allow s3:GetObject on payments-db". */
function describeChange(change: PolicyChange): string {
  return `${CLASS_NAMES[change.class]} (${change.severity}, ${change.source}): ${change.subject} — ${change.kind} ${change.effect} ${change.permission} on ${change.resource}`;
}
