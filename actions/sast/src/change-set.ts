// Which files a change touches, between its merge base and the working tree the tools read.

import { git } from "@secflow/kit";

/** The files of a change, for a scan of only what it touches. */
export interface ChangeSet {
  mergeBaseSha: string;
  /**
   * Repository-relative paths the change adds or modifies, as the working tree has them: a
   * renamed file at its new path. Deleted files are in none of these: there is nothing to scan.
   */
  touched: ReadonlySet<string>;
  /** Of those, the ones that existed at the merge base as regular files: head path → base path. */
  earlier: ReadonlyMap<string, string>;
  /** Renamed files, base path → head path, for matching findings across the rename. */
  renames: ReadonlyMap<string, string>;
  /** Every path the change names, at the base or the head (deleted ones too). */
  named: ReadonlySet<string>;
  /** Of `touched`, the files git does not track (asked for only when they may be read). */
  untracked: ReadonlySet<string>;
}

// No external diff or textconv programs (a pull request must not choose what runs while we read
// it), whatever the user's config says; full object names; rename detection as the kit's diffs.
const RAW_DIFF = ["diff", "--no-ext-diff", "--no-textconv", "--no-color", "--no-relative", "-M"];
const REGULAR_FILE = /^100(644|755)$/;
const GITLINK = "160000";

/**
 * What the working tree (the checkout the tools read, commits and local edits alike) changes
 * against the merge base, plus, when asked, untracked files (new wherever they came from).
 */
export async function readChangeSet(
  root: string,
  mergeBaseSha: string,
  withUntracked = true,
): Promise<ChangeSet> {
  const [raw, untracked] = await Promise.all([
    git([...RAW_DIFF, "--raw", "-z", "--no-abbrev", mergeBaseSha, "--"], root),
    withUntracked ? git(["ls-files", "-z", "--others", "--exclude-standard", "--full-name"], root) : "",
  ]);
  const touched = new Set<string>();
  const earlier = new Map<string, string>();
  const renames = new Map<string, string>();
  const named = new Set<string>();
  const tokens = splitNul(raw);
  for (let i = 0; i < tokens.length; ) {
    // ":<base mode> <head mode> <base object> <head object> <status>", then one or two paths.
    const [baseMode = "", headMode = "", , , status = ""] = (tokens[i] ?? "").slice(1).split(" ");
    const letter = status[0];
    const two = letter === "R" || letter === "C";
    const basePath = tokens[i + 1] ?? "";
    const headPath = two ? (tokens[i + 2] ?? "") : basePath;
    i += two ? 3 : 2;
    named.add(basePath).add(headPath);
    // A submodule is another repository's code; a deleted file has nothing left to scan.
    if (headMode === GITLINK || letter === "D" || /^0+$/.test(headMode)) continue;
    touched.add(headPath);
    if (letter === "R") renames.set(basePath, headPath);
    // An added or copied file has no earlier version; a link or submodule at the base is not read.
    if (letter !== "A" && letter !== "C" && REGULAR_FILE.test(baseMode)) earlier.set(headPath, basePath);
  }
  const newFiles = new Set(splitNul(untracked));
  for (const file of newFiles) {
    touched.add(file);
    named.add(file);
  }
  return { mergeBaseSha, touched, earlier, renames, named, untracked: newFiles };
}

function splitNul(output: string): string[] {
  const tokens = output.split("\0");
  if (tokens.at(-1) === "") tokens.pop();
  return tokens;
}
