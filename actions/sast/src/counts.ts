import { maxSeverity, type Sarif, SEVERITIES, type Severity, severityOf } from "@secflow/sarif";

export interface Counts {
  /** Findings reported (not waived, not suppressed in source). */
  total: number;
  /** Of those, the ones the change introduces; all of them when no baseline applies. */
  new: number;
  /** Suppressed by a secflow.yml waiver. */
  waived: number;
  /** Suppressed by a comment in the code (eslint-disable, an imported tool's own suppression). */
  suppressedInSource: number;
  bySeverity: Record<Severity, { total: number; new: number }>;
  /** The highest severity among new findings. */
  maxNewSeverity?: Severity;
}

/** A result counts as suppressed unless all its suppressions were rejected or are under review. */
export function isSuppressed(result: Sarif.Result): boolean {
  return (result.suppressions ?? []).some((s) => s.status === undefined || s.status === "accepted");
}

/** A finding the change introduces; without a baseline every finding counts as new. */
export function isNew(result: Sarif.Result): boolean {
  return result.baselineState === undefined || result.baselineState === "new";
}

export function countResults(log: Sarif.Log): Counts {
  const bySeverity = Object.fromEntries(
    SEVERITIES.map((s) => [s, { total: 0, new: 0 }]),
  ) as Counts["bySeverity"];
  const counts: Counts = { total: 0, new: 0, waived: 0, suppressedInSource: 0, bySeverity };
  const newSeverities: Severity[] = [];
  for (const run of log.runs) {
    for (const result of run.results ?? []) {
      if (result.baselineState === "absent") continue;
      if (isSuppressed(result)) {
        if (result.suppressions?.some((s) => s.kind === "external")) counts.waived++;
        else counts.suppressedInSource++;
        continue;
      }
      const severity = severityOf(result);
      counts.total++;
      bySeverity[severity].total++;
      if (isNew(result)) {
        counts.new++;
        bySeverity[severity].new++;
        newSeverities.push(severity);
      }
    }
  }
  const max = maxSeverity(newSeverities);
  if (max) counts.maxNewSeverity = max;
  return counts;
}
