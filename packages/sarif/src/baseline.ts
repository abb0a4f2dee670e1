import type * as Sarif from "sarif";
import { absentResult, type BaselineCounts, baselineRuns } from "./baseline-core.ts";
import { FindingTable, STATE_NAMES } from "./finding.ts";

export type { BaselineCounts } from "./baseline-core.ts";

export interface BaselineOptions {
  /** Files renamed between base and head (old path → new path), e.g. from `git diff -M`. */
  renames?: ReadonlyMap<string, string>;
  /** Append base results the head no longer has, with `baselineState: "absent"`. */
  includeAbsent?: boolean;
}

/**
 * Sets `baselineState` on every result of `head` (mutated in place, and returned) by matching it
 * against `base`: new, unchanged or updated, plus absent on request. Results match on rule, file
 * and flagged code, so code that moved stays unchanged (see `matchFindings`). `baselineFiles`
 * does the same from file to file, for logs too large to parse whole.
 */
export function applyBaseline(
  base: Sarif.Log,
  head: Sarif.Log,
  options: BaselineOptions = {},
): { log: Sarif.Log; counts: BaselineCounts } {
  const baseFindings: FindingTable[] = [];
  const baseFindingsOf = (j: number) => {
    if (baseFindings[j]) return baseFindings[j];
    const run = base.runs[j] as Sarif.Run;
    const findings = (baseFindings[j] = new FindingTable());
    run.results?.forEach((result, i) => {
      if (result.baselineState !== "absent") findings.add(result, i, run.tool.driver.rules, options.renames);
    });
    return findings;
  };
  const headFindings = head.runs.map((run) => {
    const findings = new FindingTable();
    (run.results ??= []).forEach((result, i) => findings.add(result, i, run.tool.driver.rules));
    return findings;
  });
  const counts = baselineRuns(
    base.runs,
    head.runs,
    { base: baseFindingsOf, head: (i) => headFindings[i] as FindingTable },
    options.includeAbsent
      ? (index, j, i) => {
          const [baseRun, headRun] = [base.runs[j] as Sarif.Run, head.runs[i] as Sarif.Run];
          const result = baseRun.results?.[index] as Sarif.Result;
          headRun.results?.push(absentResult(result, baseRun, headRun));
        }
      : undefined,
  );
  head.runs.forEach((run, i) => {
    const findings = headFindings[i] as FindingTable;
    for (let row = 0; row < findings.size; row++) {
      (run.results?.[findings.index[row] as number] as Sarif.Result).baselineState =
        STATE_NAMES[findings.state[row] as number];
    }
  });
  return { log: head, counts };
}
