// Saying which lockfiles a run read, in its `properties.secflow`: at the head every one found; at
// the merge base (baseline ref) only those the change touched, the others' head parse standing for
// them. A reviewer (and a test) sees that an untouched lockfile was read once.

import type { Sarif } from "@secflow/sarif";
import type { BaseReads } from "./base-commit.ts";
import { ecosystemSlug } from "./ecosystems.ts";
import type { ParsedLockfile } from "./model.ts";

type Read = Pick<ParsedLockfile, "path" | "ecosystem">;

/**
 * Records `lockfilesRead: { head, base?, unchangedAtBase? }` on each ecosystem's run: the paths
 * of that ecosystem read at the head, parsed at the merge base, and taken from the head's parse
 * because every file they read is the same blob at the merge base.
 */
export function recordLockfileReads(
  log: Sarif.Log,
  head: readonly Read[],
  base: BaseReads | undefined,
): void {
  for (const run of log.runs) {
    const secflow = run.properties?.secflow as Record<string, unknown> | undefined;
    if (!secflow) continue;
    // The run's category: secflow/sca/<ecosystem>/…
    const slug = run.automationDetails?.id?.split("/")[2];
    const of = (reads: readonly Read[]) =>
      reads.filter((l) => ecosystemSlug(l.ecosystem) === slug).map((l) => l.path);
    secflow.lockfilesRead = {
      head: of(head),
      ...(base ? { base: of(base.parsed), unchangedAtBase: of(base.unchanged) } : {}),
    };
  }
}
