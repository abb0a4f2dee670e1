// baseline ref: the lockfiles as they were at the merge base (read with git, without a
// checkout, following renames), judged the same way as the head's.

import { type Change, renames } from "@secflow/kit";
import { markBaseline } from "./baseline.ts";
import type { LicensePolicy } from "./licenses.ts";
import { atCommit, readLockfiles } from "./lockfiles/read.ts";
import type { LicenseFinding, ParsedLockfile, VulnFinding } from "./model.ts";

/** The commits compared: what the kit's planBaseline resolved for the event or the inputs. */
export type ComparedChange = Change & { mergeBaseSha: string };

/**
 * Marks every finding new, unchanged or updated against the lockfiles at the merge base; returns
 * a warning for each base lockfile that could not be read. That is not a gap in the scan (the
 * head was read and judged); its findings simply cannot be shown to be old, so they count as new.
 */
export async function compareWithBase(
  root: string,
  change: ComparedChange,
  head: readonly ParsedLockfile[],
  findings: { vulns: VulnFinding[]; licenses: LicenseFinding[]; policy: LicensePolicy },
): Promise<string[]> {
  const previousPath = new Map<string, string>();
  for (const [before, after] of await renames(root, change.mergeBaseSha, change.headSha))
    previousPath.set(after, before);
  const paths = head.map((l) => previousPath.get(l.path) ?? l.path);
  const read = await readLockfiles(paths, atCommit(root, change.mergeBaseSha));
  markBaseline(
    findings.vulns,
    findings.licenses,
    { byPath: new Map(read.lockfiles.map((l) => [l.path, l])), previousPath },
    findings.policy,
  );
  const at = change.baseRef ?? change.mergeBaseSha.slice(0, 12);
  return read.unreadable.map(
    (s) =>
      `${s.subject} at ${at} could not be read (${s.reason.replace(/; none of its packages were checked$|\s*None of its packages were checked\.$/, "")}); its findings count as new.`,
  );
}
