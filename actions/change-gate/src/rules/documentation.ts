import type { GatePolicy } from "../gate-policy.ts";
import { honoured, type LabelState } from "../labels.ts";
import { missingSections } from "../pr-sections.ts";
import type { Reason, RuleRecord } from "../reasons.ts";

/**
 * Risk-proportional documentation: when the change is risky (or always, as configured), the
 * description must have each required section. Missing ones fail the gate, since an approval
 * cannot stand in for a rollback plan; editing the description re-runs the gate.
 */
export function documentationRule(
  body: string | undefined,
  policy: GatePolicy,
  risky: boolean,
  labels: LabelState,
): RuleRecord {
  const { when, sections } = policy.documentation;
  const record: RuleRecord = {
    rule: "documentation",
    settings: { when, sections },
    inputs: { risky },
    reasons: [],
    reported: [],
  };
  if (sections.length === 0 || when === "never") return { ...record, skipped: "no sections are required" };
  if (when === "risky" && !risky) return { ...record, skipped: "the change is not risky" };
  const skip = honoured(labels, "skip-documentation");
  if (skip) return { ...record, skipped: `the label "${skip.name}" (${skip.why})` };
  const missing = missingSections(body, sections);
  record.inputs.missing = missing;
  if (missing.length) {
    const reason: Reason = {
      rule: "gate/documentation",
      verdict: "fail",
      message: `${risky ? "This change is risky, so the" : "The"} pull-request description needs ${missing.length === 1 ? "a section" : "sections"} ${missing.map((s) => `"${s}"`).join(", ")} with text under ${missing.length === 1 ? "it" : "each"} (a heading such as "## ${missing[0]}")`,
      identity: `documentation|${missing.join("|")}`,
    };
    record.reasons.push(reason);
  }
  return record;
}
