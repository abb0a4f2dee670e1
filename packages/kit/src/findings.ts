// What a finding's state means, once for every action, the gate and every summary: new,
// suppressed (in source, external, under review), waived, counted.

import {
  atLeast,
  maxSeverity,
  type Sarif,
  SEVERITIES,
  type Severity,
  severityOf,
  type Threshold,
} from "@secflow/sarif";
import type { StepOutcome } from "./entry.ts";

/**
 * How a result is suppressed. Only an accepted suppression (status `accepted`, or none given)
 * hides a finding: one `underReview` or `rejected` is not a decision yet, so the finding counts.
 */
export type SuppressionState = "in-source" | "external" | "under-review" | "none";

export function suppressionState(result: Sarif.Result): SuppressionState {
  const suppressions = result.suppressions ?? [];
  const accepted = suppressions.filter((s) => s.status === undefined || s.status === "accepted");
  if (accepted.some((s) => s.kind === "external")) return "external";
  if (accepted.length > 0) return "in-source";
  return suppressions.some((s) => s.status === "underReview") ? "under-review" : "none";
}

export function isSuppressed(result: Sarif.Result): boolean {
  const state = suppressionState(result);
  return state === "in-source" || state === "external";
}

/**
 * A finding the change introduces: `baselineState` "new", or none at all (a run without a
 * baseline cannot show the finding was there before, so it counts as new).
 */
export function isNew(result: Sarif.Result): boolean {
  return result.baselineState === undefined || result.baselineState === "new";
}

/** A finding that is still there (not `absent`) and not suppressed: what counts and gates. */
export function isCounted(result: Sarif.Result): boolean {
  return result.baselineState !== "absent" && !isSuppressed(result);
}

export interface FindingCounts {
  /** Findings counted (present, not waived, not suppressed in source). */
  total: number;
  /** Of those, the ones the change introduces. */
  new: number;
  /** Suppressed by a secflow.yml waiver (an external suppression). */
  waived: number;
  /** Suppressed by a comment in the code or by the producing tool. */
  suppressedInSource: number;
  /** With a suppression under review: counted, and said. */
  underReview: number;
  bySeverity: Record<Severity, { total: number; new: number }>;
  /** The highest severity among the new findings. */
  maxNewSeverity?: Severity;
}

/** Counts every result of the runs; `severity` lets a team's overrides apply. */
export function countFindings(
  runs: readonly Sarif.Run[],
  severity: (result: Sarif.Result) => Severity = severityOf,
): FindingCounts {
  const bySeverity = Object.fromEntries(
    SEVERITIES.map((s) => [s, { total: 0, new: 0 }]),
  ) as FindingCounts["bySeverity"];
  const counts: FindingCounts = {
    total: 0,
    new: 0,
    waived: 0,
    suppressedInSource: 0,
    underReview: 0,
    bySeverity,
  };
  const newSeverities: Severity[] = [];
  for (const run of runs) {
    for (const result of run.results ?? []) {
      if (result.baselineState === "absent") continue;
      const state = suppressionState(result);
      if (state === "external") counts.waived++;
      if (state === "in-source") counts.suppressedInSource++;
      if (state === "external" || state === "in-source") continue;
      if (state === "under-review") counts.underReview++;
      const level = severity(result);
      counts.total++;
      bySeverity[level].total++;
      if (isNew(result)) {
        counts.new++;
        bySeverity[level].new++;
        newSeverities.push(level);
      }
    }
  }
  const max = maxSeverity(newSeverities);
  if (max) counts.maxNewSeverity = max;
  return counts;
}

/**
 * The step's outcome for `fail-on`: failed when a new finding reaches the threshold. Without a
 * baseline every finding is new, so the same rule holds for full scans.
 */
export function failOnOutcome(counts: FindingCounts, threshold: Threshold, whereToLook: string): StepOutcome {
  if (!counts.maxNewSeverity || !atLeast(counts.maxNewSeverity, threshold)) return {};
  const failing = SEVERITIES.filter((s) => atLeast(s, threshold)).reduce(
    (n, s) => n + counts.bySeverity[s].new,
    0,
  );
  return {
    failed: `${failing} new finding(s) of severity ${threshold} or higher (fail-on: ${threshold}); see ${whereToLook}.`,
  };
}

/** Advisory ids a result stands for: its rule id and the `advisory` and `aliases` SCA records. */
export function advisoriesOf(result: Sarif.Result): string[] {
  const secflow = (result.properties?.secflow ?? {}) as { advisory?: unknown; aliases?: unknown };
  const ids = new Set<string>(result.ruleId ? [result.ruleId] : []);
  if (typeof secflow.advisory === "string") ids.add(secflow.advisory);
  if (Array.isArray(secflow.aliases))
    for (const alias of secflow.aliases) if (typeof alias === "string") ids.add(alias);
  return [...ids];
}
