import type { LabelState } from "../labels.ts";
import type { RuleRecord } from "../reasons.ts";

/** A label with the effect require-review asks for a security review whatever else holds. */
export function reviewLabelRule(labels: LabelState): RuleRecord {
  const applied = labels.records.filter((r) => r.honoured && r.effect === "require-review");
  return {
    rule: "review-label",
    settings: {},
    inputs: { labels: applied.map((r) => r.name) },
    reasons: applied.map((r) => ({
      rule: "gate/review-label" as const,
      verdict: "review" as const,
      message: `The label "${r.name}" asks for a security review`,
      identity: `label|${r.name}`,
    })),
    reported: [],
  };
}
