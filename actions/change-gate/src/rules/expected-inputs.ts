import type { Category } from "@secflow/kit";
import type { GatePolicy } from "../gate-policy.ts";
import type { PolicyDiffInput } from "../policy-diff-file.ts";
import type { Problem, Reason, RuleRecord } from "../reasons.ts";
import type { IgnoredRun, LoadedRun } from "../sarif-inputs.ts";

/** The action (and job) that writes each category. */
const WRITER: Record<Category, string> = { sast: "sast", sca: "sca", policy: "policy-diff" };

export interface ExpectedInputs {
  runs: readonly LoadedRun[];
  ignored: readonly IgnoredRun[];
  policyDiff?: PolicyDiffInput;
}

/**
 * Every expected category must have been read from a run bound to the change: a job that did
 * not run, or whose output was committed or stale, must not look clean. A run that says it did
 * not check everything is treated like a missing one (unless the team set on-unchecked: warn),
 * with what it did not check in the reason.
 */
export function expectedInputsRule(
  policy: Pick<GatePolicy, "expected" | "expectedSource" | "onUnchecked">,
  inputs: ExpectedInputs,
): { record: RuleRecord; problems: Problem[] } {
  const { expected } = policy;
  const present = new Set<Category>();
  for (const run of inputs.runs) {
    for (const category of expected) if (run.action === WRITER[category]) present.add(category);
  }
  if (inputs.policyDiff?.diff) present.add("policy");
  const problems: Problem[] = [];
  const reasons: Reason[] = [];
  for (const category of expected.filter((c) => !present.has(c))) {
    problems.push({ rule: "gate/missing-input", message: missingMessage(category, inputs) });
  }
  for (const run of inputs.runs) {
    if (!run.incomplete) continue;
    const what = run.incomplete.length ? run.incomplete.join("; ") : "it does not say what";
    const message = `The run ${run.category} in ${run.source} is incomplete: ${what}. The gate treats it like a missing run: fix what it could not check and run it again${policy.onUnchecked === "warn" ? " (accepted: on-unchecked: warn)" : ""}`;
    if (policy.onUnchecked === "warn")
      reasons.push({
        rule: "gate/missing-input",
        verdict: "warn",
        message,
        identity: `incomplete|${run.category}`,
      });
    else problems.push({ rule: "gate/missing-input", message });
  }
  return {
    record: {
      rule: "expected-inputs",
      settings: { expected, source: policy.expectedSource },
      inputs: {
        present: expected.filter((c) => present.has(c)),
        incomplete: inputs.runs.filter((r) => r.incomplete).map((r) => r.category),
        ignored: inputs.ignored.length + (inputs.policyDiff?.ignored ? 1 : 0),
      },
      reasons,
      reported: [],
    },
    problems,
  };
}

/** "no SARIF of category secflow/sca/…: did the sca job run and upload it?", and what was ignored. */
function missingMessage(category: Category, inputs: ExpectedInputs): string {
  const writer = WRITER[category];
  const diffFile = category === "policy" ? "no policy-diff file and " : "";
  const ignored = inputs.ignored
    .filter((i) => i.action === writer || (i.action === undefined && i.category === ""))
    .map((i) => `${i.source}${i.category ? ` (${i.category})` : ""}: ${i.why}`);
  if (category === "policy" && inputs.policyDiff?.ignored)
    ignored.push(`${inputs.policyDiff.file}: ${inputs.policyDiff.ignored}`);
  const also = ignored.length ? ` Ignored: ${ignored.join("; ")}` : "";
  return `Expected ${category} results, but ${diffFile}no SARIF of category secflow/${writer}/…: did the ${writer} job run and upload it?${also}`;
}
