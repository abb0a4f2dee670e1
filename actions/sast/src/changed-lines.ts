import type { LineRange } from "@secflow/kit";
import { decodePath, type Sarif } from "@secflow/sarif";

/**
 * Marks each result `new` when its flagged lines touch a line the change added or modified,
 * else `unchanged`, and puts the run in diff mode. For results that cannot be re-created at
 * the base commit (imported output), and for the changed-lines baseline.
 */
export function markChangedLines(
  runs: readonly Sarif.Run[],
  changed: ReadonlyMap<string, readonly LineRange[]>,
): void {
  for (const run of runs) {
    for (const result of run.results ?? []) {
      const location = result.locations?.[0]?.physicalLocation;
      const uri = location?.artifactLocation?.uri;
      const start = location?.region?.startLine ?? 1;
      const end = Math.max(start, location?.region?.endLine ?? start);
      const ranges = uri === undefined ? undefined : changed.get(decodePath(uri));
      const touched = ranges?.some((r) => r.start <= end && r.end >= start) ?? false;
      result.baselineState = touched ? "new" : "unchanged";
    }
    const secflow = run.properties?.secflow as { mode?: string } | undefined;
    if (secflow) secflow.mode = "diff";
  }
}
