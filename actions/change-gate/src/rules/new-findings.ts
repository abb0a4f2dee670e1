import type { WaiverBook } from "@secflow/kit";
import { atLeast } from "@secflow/sarif";
import type { Finding, FindingSet } from "../findings.ts";
import type { GatePolicy } from "../gate-policy.ts";
import type { Reason, Reported, RuleRecord } from "../reasons.ts";

/**
 * New SAST and SCA findings at or above the category's thresholds fail or need review. One the
 * change suppresses in its own source needs review from the suppression threshold on: the
 * suppression hides it everywhere else. Only a waiver on the base commit clears a finding (one
 * that names a path or fingerprint for a critical finding).
 */
export function newFindingsRule(set: FindingSet, policy: GatePolicy, waivers: WaiverBook): RuleRecord {
  const reasons: Reason[] = [];
  const reported: Reported[] = [];
  let judged = 0;
  for (const finding of set.findings) {
    if (!finding.isNew || finding.category === "policy") continue;
    judged++;
    const what = `${finding.ruleId} at ${finding.path}:${finding.line}`;
    if (waivers.cover(finding, what, { narrow: finding.severity === "critical" })) continue;
    const thresholds = policy.findings[finding.category];
    const verdict = atLeast(finding.severity, thresholds.fail)
      ? "fail"
      : atLeast(finding.severity, thresholds.review) ||
          (finding.suppressedInSource && atLeast(finding.severity, policy.suppressions[finding.category]))
        ? "review"
        : undefined;
    const location = { path: finding.path, line: finding.line, side: "head" as const };
    const message = describeFinding(finding);
    if (verdict) {
      const { tool, category, severity, ruleId } = finding;
      reasons.push({
        rule: "gate/new-finding",
        verdict,
        message,
        location,
        identity: identity(finding),
        finding: { tool, category, severity, ruleId },
      });
    } else reported.push({ rule: "gate/new-finding", message, location });
  }
  return {
    rule: "new-findings",
    settings: { ...policy.findings, suppressions: policy.suppressions },
    inputs: {
      newFindings: judged,
      fullModeRuns: set.fullModeRuns,
      suppressedBySource: set.findings.filter((f) => f.isNew && f.suppressedBySource).length,
      suppressedInSource: set.findings.filter((f) => f.isNew && f.suppressedInSource).length,
    },
    reasons,
    reported,
  };
}

function describeFinding(f: Finding): string {
  const suppressed = f.suppressedInSource
    ? " (suppressed in the source by the change; a suppression hides the finding everywhere else, so a security reviewer decides — or a waiver on the base commit)"
    : f.suppressedBySource
      ? " (suppressed in the SARIF, but no waiver on the base commit covers it)"
      : "";
  return `New ${f.severity} ${f.category} finding ${f.ruleId} in ${f.path}:${f.line}: ${f.message}${suppressed}`;
}

function identity(f: Finding): string {
  return f.fingerprint ?? `${f.run}|${f.ruleId}|${f.path}|${f.line}`;
}
