import type { Category } from "@secflow/kit";
import type { Problem, RuleRecord } from "../reasons.ts";
import type { LoadedRun } from "../sarif-inputs.ts";

const WRITER: Record<Category, string> = { sast: "sast", sca: "sca", policy: "policy-diff" };

/** Every expected category must have been read: a job that did not run must not look clean. */
export function expectedInputsRule(
  expected: readonly Category[],
  runs: readonly LoadedRun[],
  policyDiffRead: boolean,
): { record: RuleRecord; problems: Problem[] } {
  const present = new Set<Category>();
  for (const run of runs) {
    for (const category of expected) if (run.action === WRITER[category]) present.add(category);
  }
  if (policyDiffRead) present.add("policy");
  const missing = expected.filter((c) => !present.has(c));
  return {
    record: {
      rule: "expected-inputs",
      settings: { expected },
      inputs: { present: [...present] },
      reasons: [],
      reported: [],
    },
    problems: missing.map((category) => ({
      rule: "gate/missing-input",
      message: `Expected ${category} results, but no valid SARIF from actions/${WRITER[category]}${category === "policy" ? " and no policy-diff file" : ""} was read; check that its job ran and that its output is passed to the gate`,
    })),
  };
}
