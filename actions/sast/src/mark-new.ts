import { access, realpath, symlink } from "node:fs/promises";
import path from "node:path";
import { changedLines, renames, withWorktree } from "@secflow/kit";
import { applyBaseline, type Sarif, sarifLog } from "@secflow/sarif";
import type { BaselinePlan } from "./baseline-plan.ts";
import { markChangedLines } from "./changed-lines.ts";
import type { Checkout } from "./repository.ts";

export interface MarkNewRuns {
  /** Runs of tools this action ran: they can be run again at the base commit. */
  toolRuns: Sarif.Run[];
  /** Runs read from existing output (`input`): those only the changed lines can judge. */
  importedRuns: Sarif.Run[];
}

export interface MarkNewHelpers {
  /** Runs the same tools on a checkout of the base, built into runs with the same categories. */
  scanBase(base: Pick<Checkout, "repoRoot" | "scanRoot">): Promise<Sarif.Run[]>;
  /** A baseline SARIF file as profile runs (a raw tool log is normalized like an import). */
  readBaselineFile(file: string): Promise<Sarif.Log>;
}

/**
 * Sets baselineState on every result per the plan, and returns one line describing it for the
 * summary (undefined when there is no baseline).
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
      markChangedLines(all, await changedLines(checkout.repoRoot, plan.mergeBaseSha, plan.headSha));
      return `Lines changed since ${plan.mergeBaseSha.slice(0, 12)}`;
    }
    case "ref": {
      if (runs.importedRuns.length > 0) {
        markChangedLines(
          runs.importedRuns,
          await changedLines(checkout.repoRoot, plan.mergeBaseSha, plan.headSha),
        );
      }
      if (runs.toolRuns.length > 0) {
        const baseRuns = await withWorktree(checkout.repoRoot, plan.mergeBaseSha, async (dir) => {
          const repoRoot = await realpath(dir);
          const scanRoot = path.join(repoRoot, path.relative(checkout.repoRoot, checkout.scanRoot));
          // The scanned folder may not exist at the base: then everything in it is new.
          if (!(await exists(scanRoot))) return [];
          await borrowNodeModules(checkout.repoRoot, repoRoot);
          await borrowNodeModules(checkout.scanRoot, scanRoot);
          return helpers.scanBase({ repoRoot, scanRoot });
        });
        const moved = await renames(checkout.repoRoot, plan.mergeBaseSha, plan.headSha);
        applyBaseline(sarifLog(baseRuns), sarifLog(runs.toolRuns), { renames: moved });
      }
      return `Compared with the base ${plan.mergeBaseSha.slice(0, 12)}`;
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
