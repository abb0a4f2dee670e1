// baseline ref: the lockfiles as they were at the merge base (read with git, without a
// checkout, following renames), judged the same way as the head's. A lockfile whose reading
// read the same blobs at the merge base as at the head (itself, the manifests beside it, the
// shrinkwrap looked for) parses the same there: the head's parse stands for it, unread again.

import { type Change, renames } from "@secflow/kit";
import { markBaseline } from "./baseline.ts";
import type { LicensePolicy } from "./licenses.ts";
import { blobIdsAt, type FileRead, sameInputs } from "./lockfiles/inputs.ts";
import { atCommit, readLockfiles } from "./lockfiles/read.ts";
import type { LicenseFinding, ParsedLockfile, VulnFinding } from "./model.ts";

/** The commits compared: what the kit's planBaseline resolved for the event or the inputs. */
export type ComparedChange = Change & { mergeBaseSha: string };

/** Which lockfiles the comparison read at the merge base, and which it took from the head. */
export interface BaseReads {
  /** Lockfiles parsed at the merge base (base paths): those the change touched (or renamed). */
  parsed: Pick<ParsedLockfile, "path" | "ecosystem">[];
  /** Lockfiles whose inputs are the same blobs at both commits: the head's parse was used. */
  unchanged: Pick<ParsedLockfile, "path" | "ecosystem">[];
}

/**
 * Marks every finding new, unchanged or updated against the lockfiles at the merge base; returns
 * a warning for each base lockfile that could not be read. That is not a gap in the scan (the
 * head was read and judged); its findings simply cannot be shown to be old, so they count as new.
 */
export async function compareWithBase(
  root: string,
  change: ComparedChange,
  head: { lockfiles: readonly ParsedLockfile[]; inputs: ReadonlyMap<string, readonly FileRead[]> },
  findings: { vulns: VulnFinding[]; licenses: LicenseFinding[]; policy: LicensePolicy },
): Promise<{ warnings: string[]; reads: BaseReads }> {
  const previousPath = new Map<string, string>();
  for (const [before, after] of await renames(root, change.mergeBaseSha, change.headSha))
    previousPath.set(after, before);
  const { same, differ } = await splitBySameInputs(root, change.mergeBaseSha, head, previousPath);
  const read = await readLockfiles(differ, atCommit(root, change.mergeBaseSha));
  const byPath = new Map(read.lockfiles.map((l) => [l.path, l]));
  for (const lockfile of same) if (!byPath.has(lockfile.path)) byPath.set(lockfile.path, lockfile);
  markBaseline(findings.vulns, findings.licenses, { byPath, previousPath }, findings.policy);
  const at = change.baseRef ?? change.mergeBaseSha.slice(0, 12);
  return {
    warnings: read.unreadable.map(
      (s) =>
        `${s.subject} at ${at} could not be read (${s.reason.replace(/; none of its packages were checked$|\s*None of its packages were checked\.$/, "")}); its findings count as new.`,
    ),
    reads: {
      parsed: read.lockfiles.map(({ path, ecosystem }) => ({ path, ecosystem })),
      unchanged: same.map(({ path, ecosystem }) => ({ path, ecosystem })),
    },
  };
}

/**
 * The head lockfiles whose every input is the same blob at the merge base (not renamed: a
 * renamed one reads its base manifests elsewhere), and the base paths of the others, to parse.
 */
async function splitBySameInputs(
  root: string,
  mergeBaseSha: string,
  head: { lockfiles: readonly ParsedLockfile[]; inputs: ReadonlyMap<string, readonly FileRead[]> },
  previousPath: ReadonlyMap<string, string>,
): Promise<{ same: ParsedLockfile[]; differ: string[] }> {
  const candidates = head.lockfiles.filter((l) => !previousPath.has(l.path) && head.inputs.has(l.path));
  const ids = await blobIdsAt(
    root,
    mergeBaseSha,
    candidates.flatMap((l) => (head.inputs.get(l.path) ?? []).map((r) => r.path)),
  );
  const same: ParsedLockfile[] = [];
  const differ: string[] = [];
  for (const lockfile of head.lockfiles) {
    const inputs = previousPath.has(lockfile.path) ? undefined : head.inputs.get(lockfile.path);
    if (inputs && sameInputs(inputs, ids)) same.push(lockfile);
    else differ.push(previousPath.get(lockfile.path) ?? lockfile.path);
  }
  return { same, differ };
}
