import { access, realpath, symlink } from "node:fs/promises";
import path from "node:path";
import { type BaselinePlan, changedLines, renames, withWorktree } from "@secflow/kit";
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
  /** Runs the same tools on a checkout of the base, built into runs with the same categories. */
  scanBase(base: Checkout): Promise<Sarif.Run[]>;
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
        const baseRuns = await withWorktree(checkout.root, mergeBaseSha, async (dir) => {
          const root = await realpath(dir);
          const base: Checkout = {
            root,
            scanRoot: path.join(root, checkout.prefix),
            prefix: checkout.prefix,
            isGit: true,
          };
          // The scanned folder may not exist at the base: then everything in it is new.
          if (!(await exists(base.scanRoot))) return [];
          await borrowNodeModules(checkout.root, base.root);
          await borrowNodeModules(checkout.scanRoot, base.scanRoot);
          return helpers.scanBase(base);
        });
        const moved = await renames(checkout.root, mergeBaseSha, headSha);
        applyBaseline(sarifLog(baseRuns), sarifLog(runs.toolRuns), { renames: moved });
      }
      return `Compared with the base ${mergeBaseSha.slice(0, 12)}`;
    }
  }
}

/**
 * The base worktree has no installed dependencies; the head's node_modules lets the
 * repository's own ESLint config load its plugins there too.
 */
async function borrowNodeModules(headScanRoot: string, baseScanRoot: string): Promise<void> {
  const head = path.join(headScanRoot, "node_modules");
  const base = path.join(baseScanRoot, "node_modules");
  if ((await exists(head)) && !(await exists(base))) await symlink(head, base, "dir");
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
