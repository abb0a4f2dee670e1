import { lstat, realpath } from "node:fs/promises";
import path from "node:path";
import {
  type ActionIO,
  isInside,
  type SastTool,
  type SecflowConfig,
  type Workspace,
  walkFiles,
} from "@secflow/kit";
import { classifyFiles, type FileRules, type SkippedFile } from "./files/file-classes.ts";
import type { ToolReport } from "./report.ts";
import { scan } from "./scan.ts";
import { TOOL_SPECS } from "./tool-registry.ts";
import type { Tuning } from "./tuning.ts";

/** A checkout to scan: the workspace itself, or the base commit in a worktree. */
export type Checkout = Pick<Workspace, "root" | "scanRoot" | "prefix" | "isGit">;

/** The files to scan, those left alone by default, and the links that lead out of the repository. */
export interface FileList {
  /** Repository-relative paths of the files under the scanned folder to scan. */
  files: string[];
  /** Symbolic links among them whose target is outside the repository: never read, not checked. */
  linksOut: string[];
  /** Files not scanned because of their class (untracked, vendored, generated, minified, tests). */
  skipped: SkippedFile[];
}

/**
 * The files under the scanned folder: ignore-paths left out, links out of the repository set
 * apart, and the classes sast skips by default (FileRules) skipped.
 */
export async function listFiles(checkout: Checkout, tuning: Tuning, rules: FileRules): Promise<FileList> {
  const prefix = checkout.prefix === "" ? "" : `${checkout.prefix}/`;
  const all = (await walkFiles(checkout.scanRoot)).map((f) => prefix + f).filter((f) => !tuning.ignored(f));
  const root = await realpath(checkout.root);
  const inside: string[] = [];
  const linksOut: string[] = [];
  for (const file of all) {
    if (await leadsOut(root, path.join(checkout.root, file))) linksOut.push(file);
    else inside.push(file);
  }
  const where = checkout.isGit ? { root: checkout.root, folder: checkout.scanRoot } : { root: checkout.root };
  const { scan, skipped } = await classifyFiles(inside, where, rules);
  return { files: scan, linksOut, skipped };
}

/** Whether a file is a symbolic link whose target (followed all the way) lies outside `realRoot`. */
async function leadsOut(realRoot: string, file: string): Promise<boolean> {
  if (!(await lstat(file).catch(() => undefined))?.isSymbolicLink()) return false;
  const target = await realpath(file).catch(() => undefined);
  return target === undefined || !isInside(realRoot, target);
}

export interface CheckoutScanOptions {
  tools: readonly SastTool[];
  config: SecflowConfig;
  tuning: Tuning;
  /** Which classes of files are scanned anyway, and whose .gitattributes apply. */
  fileRules: FileRules;
  env: Record<string, string | undefined>;
  io: ActionIO;
  /** "head" or "base", for the log. */
  label: string;
  /** The files, when the caller listed them already. */
  files?: FileList;
}

/**
 * Runs the selected tools on one checkout (the head, or the base in a worktree). A link out of
 * the repository is not checked by any tool that would have read it, and its run says so.
 */
export async function scanCheckout(checkout: Checkout, options: CheckoutScanOptions): Promise<ToolReport[]> {
  const { files, linksOut } = options.files ?? (await listFiles(checkout, options.tuning, options.fileRules));
  const reports = await scan(
    options.tools,
    (tool) => ({
      repoRoot: checkout.root,
      scanRoot: checkout.scanRoot,
      files,
      linksOut,
      args: options.config.sast?.args?.[tool] ?? [],
      env: options.env,
    }),
    options.io,
    options.label,
  );
  options.tools.forEach((tool, i) => {
    for (const link of linksOut.filter(TOOL_SPECS[tool].handles)) {
      reports[i]?.unchecked.push({
        subject: link,
        reason: "a symbolic link that leads out of the repository; secflow does not read through it",
      });
    }
  });
  return reports;
}
