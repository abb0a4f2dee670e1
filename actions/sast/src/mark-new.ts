import path from "node:path";
import { type BaselinePlan, changedLines, renames } from "@secflow/kit";
import { applyBaseline, type Sarif, sarifLog } from "@secflow/sarif";
import { markChangedLines } from "./changed-lines.ts";
import type { Checkout } from "./checkout-scan.ts";

export interface MarkNewRuns {
  /** Runs of tools this action ran: they can be run again at the base commit. */
  toolRuns: Sarif.Run[];
  /** Runs read from existing output (`input`): those only the changed lines can judge. */
  importedRuns: Sarif.Run[];
}

export interface MarkNewHelpers {
  /**
   * Runs the same tools on the base commit (all of it, or the earlier versions of the files the
   * change touches), built into runs with the same categories.
   */
  scanBase(mergeBaseSha: string): Promise<Sarif.Run[]>;
  /** Files renamed by the change (base path → head path), when the caller knows them already. */
  renames?: ReadonlyMap<string, string>;
  /** A baseline SARIF file as profile runs (a raw tool log is normalized like an import). */
  readBaselineFile(file: string): Promise<Sarif.Log>;
}

/**
 * Sets baselineState on every result per the plan (the kit's planBaseline: the change's merge
 * base and head), and returns one line describing it for the summary (undefined when there is
 * no baseline).
 */
export async function markNew(
  plan: BaselinePlan,
  checkout: Checkout,
  runs: MarkNewRuns,
  helpers: MarkNewHelpers,
): Promise<string | undefined> {
  const all = [...runs.toolRuns, ...runs.importedRuns];
  switch (plan.kind) {
    case "none":
      return undefined;
    case "file": {
      applyBaseline(await helpers.readBaselineFile(plan.file), sarifLog(all));
      return `Compared with ${path.basename(plan.file)}`;
    }
    case "changed-lines": {
      const { mergeBaseSha, headSha } = plan.change;
      markChangedLines(all, await changedLines(checkout.root, mergeBaseSha, headSha));
      return `Lines changed since ${mergeBaseSha.slice(0, 12)}`;
    }
    case "ref": {
      const { mergeBaseSha, headSha } = plan.change;
      if (runs.importedRuns.length > 0) {
        markChangedLines(runs.importedRuns, await changedLines(checkout.root, mergeBaseSha, headSha));
      }
      if (runs.toolRuns.length > 0) {
        const baseRuns = await helpers.scanBase(mergeBaseSha);
        const moved = helpers.renames ?? (await renames(checkout.root, mergeBaseSha, headSha));
        applyBaseline(sarifLog(baseRuns), sarifLog(runs.toolRuns), { renames: moved });
      }
      return `Compared with the base ${mergeBaseSha.slice(0, 12)}`;
    }
  }
}
