// Which findings the change brings in, per the kit's baseline plan: `ref` reads the lockfiles at
// the merge base and judges them like the head's (before the log is built); an earlier SARIF
// file is matched with the log built; `none` (or auto without a base) leaves every finding new.

import { type BaselinePlan, describeChange, type Workspace } from "@secflow/kit";
import type { Sarif } from "@secflow/sarif";
import { type BaseReads, compareWithBase } from "./base-commit.ts";
import { compareWithEarlierRun } from "./baseline-file.ts";
import type { HeadLockfiles } from "./head-lockfiles.ts";
import type { Findings } from "./judge.ts";
import type { ScanNotes } from "./model.ts";
import { shownPath } from "./scan-setup.ts";

/** baseline ref: marks the findings against the merge base; says which lockfiles it read there. */
export async function markNewFindings(
  plan: BaselinePlan,
  findings: Findings,
  head: HeadLockfiles,
  context: { workspace: Workspace; notes: ScanNotes },
): Promise<BaseReads | undefined> {
  if (plan.kind !== "ref") return undefined;
  const { warnings, reads } = await compareWithBase(context.workspace.root, plan.change, head, findings);
  context.notes.warnings.push(...warnings);
  return reads;
}

/** baseline <SARIF file>: marks the results of the log against the earlier run's. */
export async function markNewResults(
  plan: BaselinePlan,
  log: Sarif.Log,
  context: { workspace: Workspace; notes: ScanNotes },
): Promise<void> {
  if (plan.kind !== "file") return;
  const { warning } = await compareWithEarlierRun(log, plan.file, shownPath(context.workspace, plan.file));
  if (warning) context.notes.warnings.push(warning);
}

/** One sentence on what "new" means in this run; undefined when every finding counts as new. */
export function describeComparison(plan: BaselinePlan, workspace: Workspace): string | undefined {
  if (plan.kind === "ref") return describeChange(plan.change);
  if (plan.kind === "file") return `Compared with the earlier run ${shownPath(workspace, plan.file)}.`;
  return undefined;
}
