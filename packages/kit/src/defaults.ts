// Every default the actions share, in one place, and the one precedence rule:
// an action input wins over .github/secflow.yml, which wins over the default.

import type { Threshold } from "@secflow/sarif";

export const DEFAULTS = {
  /**
   * `fail-on` of the scanning actions. "none": a scanner reports and the change gate decides,
   * from the base commit's policy, so one policy judges every change and a failed scan step
   * never keeps its SARIF from being uploaded. Teams without the gate set a threshold.
   */
  failOn: "none" satisfies Threshold as Threshold,
  /** An incomplete scan fails its step: "nothing found" must never stand for "did not look". */
  onUnchecked: "fail" as "fail" | "warn",
} as const;

/** Input > file > default. */
export function setting<T>(input: T | undefined, fromConfig: T | undefined, fallback: T): T {
  return input ?? fromConfig ?? fallback;
}
