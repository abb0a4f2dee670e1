import { lstatSync, statSync } from "node:fs";
import { realpath } from "node:fs/promises";
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
import type { ScanContext } from "./scan-context.ts";
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
export async function listFiles(
  checkout: Checkout,
  tuning: Tuning,
  rules: FileRules,
  /** Repository-relative files to list, when not every file under the scanned folder. */
  candidates?: readonly string[],
  /**
   * The files that will be read (default: all). The others are listed only to choose the tools
   * and count what is skipped: no content rule reads them and no link among them is followed.
   */
  focus?: ReadonlySet<string>,
): Promise<FileList> {
  const prefix = checkout.prefix === "" ? "" : `${checkout.prefix}/`;
  const walked = candidates
    ? candidates.filter(
        (f) => f.startsWith(prefix) && walkWouldList(checkout.root, f.slice(prefix.length), f),
      )
    : (await walkFiles(checkout.scanRoot)).map((f) => prefix + f);
  const all = walked.filter((f) => !tuning.ignored(f));
  const root = await realpath(checkout.root);
  const inside: string[] = [];
  const linksOut: string[] = [];
  for (const file of all) {
    if ((!focus || focus.has(file)) && (await leadsOut(root, path.join(checkout.root, file))))
      linksOut.push(file);
    else inside.push(file);
  }
  const where = checkout.isGit ? { root: checkout.root, folder: checkout.scanRoot } : { root: checkout.root };
  const { scan, skipped } = await classifyFiles(inside, where, rules, focus);
  return { files: scan, linksOut, skipped };
}

/** Folders the kit's walk never enters. */
const UNWALKED = new Set([".git", "node_modules"]);

/**
 * Whether walking the scanned folder lists a file given by name: outside .git and
 * node_modules, and a file or a link to one (not a folder, not gone), so that a listing of
 * named files (a change's) holds what the listing of every file would hold of them.
 */
function walkWouldList(root: string, underScanRoot: string, file: string): boolean {
  if (
    underScanRoot
      .split("/")
      .slice(0, -1)
      .some((part) => UNWALKED.has(part))
  )
    return false;
  const absolute = path.join(root, file);
  try {
    const entry = lstatSync(absolute);
    return entry.isFile() || (entry.isSymbolicLink() && statSync(absolute).isFile());
  } catch {
    return false; // gone, a dangling link or a loop: the walk lists none of them
  }
}

/** Whether a file is a symbolic link whose target (followed all the way) lies outside `realRoot`. */
async function leadsOut(realRoot: string, file: string): Promise<boolean> {
  // Synchronous: one lstat per file of the repository, far cheaper without a promise round trip each.
  if (!lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink()) return false;
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
  /**
   * Tools that read only some of the files (changed scope): repository-relative paths by tool.
   * The others read every file listed.
   */
  only?: ReadonlyMap<SastTool, ReadonlySet<string>>;
  /** By tool, another checkout's scan to run in the same run of the tool where it can (ScanContext). */
  alongside?: ReadonlyMap<SastTool, NonNullable<ScanContext["alongside"]>>;
  /** By tool, reports made already alongside another checkout's scan: not run again. */
  done?: ReadonlyMap<SastTool, ToolReport>;
}

/**
 * Runs the selected tools on one checkout (the head, or the base in a worktree). A link out of
 * the repository is not checked by any tool that would have read it, and its run says so.
 */
export async function scanCheckout(checkout: Checkout, options: CheckoutScanOptions): Promise<ToolReport[]> {
  const listed = options.files ?? (await listFiles(checkout, options.tuning, options.fileRules));
  const reports = await scan(
    options.tools,
    (tool) => {
      const alongside = options.alongside?.get(tool);
      return { ...toolContext(checkout, listed, options, tool), ...(alongside ? { alongside } : {}) };
    },
    options.io,
    options.label,
    options.done,
  );
  options.tools.forEach((tool, i) => {
    const { linksOut } = filesFor(tool, listed, options.only);
    for (const link of linksOut.filter(TOOL_SPECS[tool].handles)) {
      reports[i]?.unchecked.push({
        subject: link,
        reason: "a symbolic link that leads out of the repository; secflow does not read through it",
      });
    }
  });
  return reports;
}

/** What one tool reads of a checkout: its files, and its arguments from secflow.yml. */
export function toolContext(
  checkout: Checkout,
  listed: Pick<FileList, "files" | "linksOut">,
  options: Pick<CheckoutScanOptions, "config" | "env" | "only">,
  tool: SastTool,
): ScanContext {
  return {
    repoRoot: checkout.root,
    scanRoot: checkout.scanRoot,
    ...filesFor(tool, listed, options.only),
    args: options.config.sast?.args?.[tool] ?? [],
    env: options.env,
  };
}

/** The files one tool reads: every file listed, or those of them it is limited to. */
export function filesFor(
  tool: SastTool,
  listed: Pick<FileList, "files" | "linksOut">,
  only: ReadonlyMap<SastTool, ReadonlySet<string>> | undefined,
): Pick<FileList, "files" | "linksOut"> {
  const limit = only?.get(tool);
  if (!limit) return { files: listed.files, linksOut: listed.linksOut };
  return {
    files: listed.files.filter((f) => limit.has(f)),
    linksOut: listed.linksOut.filter((f) => limit.has(f)),
  };
}
