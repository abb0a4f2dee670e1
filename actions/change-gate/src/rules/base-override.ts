import type { ChangeRecord } from "../change-under-review.ts";
import type { Reason, RuleRecord } from "../reasons.ts";

/** A base or head input that would move a pull-request event off its own commits: refused, and a review. */
export function baseOverrideRule(record: ChangeRecord, reasons: readonly Reason[]): RuleRecord {
  return {
    rule: "base-override",
    settings: {},
    inputs: { ...record },
    reasons: [...reasons],
    reported: [],
  };
}
