import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { PolicyChange, PolicyDiff } from "@secflow/contracts";

export type { ChangeClass, PolicyChange, PolicyDiff, UnreadableFile } from "@secflow/contracts";
export { countChanges } from "@secflow/contracts";

/** A change as policy-diff reports it: the contract's fields, and why it has its severity. */
export interface ReportedChange extends PolicyChange {
  /** Why a growing privilege has its severity, naming a source a team can check. */
  why?: string;
}

export interface ReportedDiff extends PolicyDiff {
  changes: ReportedChange[];
}

/** Writes the diff file the gate reads: the contract's fields only (its schema allows no others). */
export async function writeDiffFile(file: string, diff: ReportedDiff): Promise<void> {
  const contract: PolicyDiff = { ...diff, changes: diff.changes.map(({ why: _why, ...change }) => change) };
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(contract, null, 2)}\n`);
}
