// Which files sast leaves alone by default, as its peers do: files git does not track,
// vendored, generated and minified files (GitHub Linguist's rules and .gitattributes), and test
// code. `sast.include` in secflow.yml scans a class anyway.

import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import path from "node:path";
import type { SastFileClass } from "@secflow/kit";
import { type GitListing, gitListing, type LinguistAttributes, linguistAttributes } from "./git-files.ts";
import { contentClass, hasContentRules } from "./linguist-content.ts";
import { hasMinifiedName, isGeneratedPath, isVendoredPath } from "./linguist-rules.ts";
import { isTestPath } from "./test-paths.ts";

/** Why a file was not scanned: a class sast.include can switch on, or .gitignore, which it cannot. */
export type SkipReason = SastFileClass | "gitignored";

export interface SkippedFile {
  /** Repository-relative POSIX path. */
  path: string;
  reason: SkipReason;
}

/** The team's choice (sast.include) and where the .gitattributes that apply are. */
export interface FileRules {
  include: ReadonlySet<SastFileClass>;
  /**
   * The repository root whose .gitattributes decide for every checkout, the base's too: a file
   * is classed alike at base and head, so a change of class never makes old findings new.
   * Undefined outside git.
   */
  attributesRoot?: string;
  /**
   * The attributes already read from attributesRoot, by file, for one run: the base scan of a
   * change reads the same paths again. Without it every listing asks git.
   */
  attributeCache?: Map<string, LinguistAttributes>;
  /**
   * Paths a later listing of this run will class (a change's earlier paths, for the base scan),
   * asked about with this listing's files: one git process instead of two.
   */
  alsoAsk?: readonly string[];
  /**
   * What git says of the files, when the caller knows it already: a change's files are tracked
   * (git diff names them) or untracked (ls-files --others did), so listing them alone needs no
   * listing of the whole index.
   */
  gitListing?: GitListing;
}

/** The classes in the order a skipped file is counted under: the first that applies. */
export const SKIP_ORDER: readonly SkipReason[] = [
  "gitignored",
  "untracked",
  "vendored",
  "generated",
  "minified",
  "tests",
];

/** What a content rule reads of a file: its start (the whole of most source files) and its end. */
const HEAD_BYTES = 1024 * 1024;
const TAIL_BYTES = 4 * 1024;
/** Files read at once while classifying by content. */
const PARALLEL_READS = 16;

/**
 * Splits `files` (repository-relative, under `folder`) into those to scan and those skipped,
 * with the reason. `folder` is the scanned folder of a checkout in a git repository, or
 * undefined outside git, where every file counts as tracked.
 */
export async function classifyFiles(
  files: readonly string[],
  checkout: { root: string; folder?: string },
  rules: FileRules,
  /**
   * The files whose content is read for the content rules (default: all). The others are judged
   * by path, git and .gitattributes alone: a changed-scope run lists every file to choose its
   * tools, but reads only the files it scans.
   */
  readContentOf?: ReadonlySet<string>,
): Promise<{ scan: string[]; skipped: SkippedFile[] }> {
  const listing =
    checkout.folder === undefined ? undefined : (rules.gitListing ?? (await gitListing(checkout.folder)));
  const skipped: SkippedFile[] = [];
  const known: string[] = [];
  for (const file of files) {
    const reason = listing ? gitReason(file, listing, rules.include) : undefined;
    if (reason) skipped.push({ path: file, reason });
    else known.push(file);
  }
  const attributes = rules.attributesRoot
    ? await linguistAttributes(
        rules.attributesRoot,
        rules.alsoAsk && rules.attributeCache ? [...new Set([...known, ...rules.alsoAsk])] : known,
        rules.attributeCache,
      )
    : new Map<string, LinguistAttributes>();
  const inSubmodule = submoduleMatcher(listing?.submodules ?? []);
  const reasons = await mapParallel(known, (file) =>
    linguistReason(
      file,
      attributes.get(file) ?? {},
      inSubmodule(file),
      readContentOf === undefined || readContentOf.has(file) ? checkout.root : undefined,
      rules.include,
    ),
  );
  const scan: string[] = [];
  known.forEach((file, i) => {
    const reason = reasons[i];
    if (reason) skipped.push({ path: file, reason });
    else scan.push(file);
  });
  return { scan, skipped };
}

/** Files git does not track: skipped, unless sast.include names untracked (.gitignore still holds). */
function gitReason(
  file: string,
  listing: GitListing,
  include: ReadonlySet<SastFileClass>,
): SkipReason | undefined {
  if (listing.tracked.has(file)) return undefined;
  // A submodule's files are tracked by its own repository: they are vendored code, judged below.
  if (listing.submodules.some((folder) => file.startsWith(`${folder}/`))) return undefined;
  if (!listing.untracked.has(file)) return "gitignored";
  return include.has("untracked") ? undefined : "untracked";
}

function submoduleMatcher(folders: readonly string[]): (file: string) => boolean {
  return (file) => folders.some((folder) => file.startsWith(`${folder}/`));
}

/**
 * The first class that skips the file and sast.include does not switch on. A .gitattributes
 * setting wins over Linguist's rules, as on GitHub: `linguist-vendored=false` keeps a file in
 * vendor/ or named *.min.js, `linguist-generated=false` one that reads as generated or minified.
 */
async function linguistReason(
  file: string,
  attributes: LinguistAttributes,
  inSubmodule: boolean,
  /** Where to read the file for the content rules; undefined: they are not applied. */
  root: string | undefined,
  include: ReadonlySet<SastFileClass>,
): Promise<SkipReason | undefined> {
  const skips = (reason: SastFileClass, applies: () => boolean) => !include.has(reason) && applies();
  if (skips("vendored", () => attributes.vendored ?? (inSubmodule || isVendoredPath(file))))
    return "vendored";
  if (skips("generated", () => attributes.generated ?? isGeneratedPath(file))) return "generated";
  if (skips("minified", () => attributes.vendored !== false && hasMinifiedName(file))) return "minified";
  const byContent =
    root !== undefined &&
    attributes.generated === undefined &&
    !(include.has("generated") && include.has("minified"))
      ? await readContentClass(root, file)
      : undefined;
  if (byContent && !include.has(byContent)) return byContent;
  if (skips("tests", () => isTestPath(file))) return "tests";
  return undefined;
}

async function readContentClass(root: string, file: string): Promise<"minified" | "generated" | undefined> {
  if (!hasContentRules(file)) return undefined;
  const text = readEnds(path.join(root, file));
  return text === undefined ? undefined : contentClass(file, text);
}

/**
 * The start of a file and, when it is longer, its end: the rules look at the first lines, the
 * last two and the average line length. Links out of the repository never get here.
 */
function readEnds(file: string): string | undefined {
  // Synchronous: thousands of small reads cost a fraction of their promise round trips.
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return undefined;
  }
  try {
    const { size } = fstatSync(fd);
    const head = Buffer.alloc(Math.min(size, HEAD_BYTES));
    readSync(fd, head, 0, head.length, 0);
    if (size <= HEAD_BYTES) return head.toString("utf8");
    const tail = Buffer.alloc(Math.min(TAIL_BYTES, size - HEAD_BYTES));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    // The end stands apart as its own last lines; the average is the start's.
    return `${head.toString("utf8")}\n${tail.toString("utf8")}`;
  } finally {
    closeSync(fd);
  }
}

async function mapParallel<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, items.length) }, worker));
  return results;
}
