import type { StepOutcome } from "@secflow/kit";

/** Fails when any outcome fails, saying every reason (fail-on and on-unchecked are both told). */
export function eitherFails(...outcomes: StepOutcome[]): StepOutcome {
  const reasons = outcomes.flatMap((outcome) => (outcome.failed ? [outcome.failed] : []));
  return reasons.length > 0 ? { failed: reasons.join(" ") } : {};
}
