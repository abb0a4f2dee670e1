// What git says about the files of a checkout: which it tracks, which it ignores, where
// submodules are, and the Linguist attributes .gitattributes gives them.

import { git } from "@secflow/kit";

/** The index of a checkout, as `git ls-files` lists it (repository-relative POSIX paths). */
export interface GitListing {
  tracked: ReadonlySet<string>;
  /** Untracked files that .gitignore does not ignore. */
  untracked: ReadonlySet<string>;
  /** Submodule folders (gitlinks): their files are another repository's code. */
  submodules: readonly string[];
}

/** Linguist's override of its own rules for one file: true or false, or undefined when unsaid. */
export interface LinguistAttributes {
  vendored?: boolean;
  generated?: boolean;
}

function splitNul(output: string): string[] {
  const tokens = output.split("\0");
  if (tokens.at(-1) === "") tokens.pop();
  return tokens;
}

/** The files git lists under `folder` (paths relative to the repository root). */
export async function gitListing(folder: string): Promise<GitListing> {
  // One process for both lists (each git process costs a fork): -t tags every record, "? " an
  // untracked file, any other tag an index entry.
  const records = splitNul(
    await git(["ls-files", "-z", "-t", "--stage", "--others", "--exclude-standard", "--full-name"], folder),
  );
  const tracked = new Set<string>();
  const untracked = new Set<string>();
  const submodules: string[] = [];
  for (const tagged of records) {
    const record = tagged.slice(2);
    if (tagged.startsWith("? ")) {
      untracked.add(record);
      continue;
    }
    // "<mode> <object> <stage>\t<path>"; a file in a merge conflict is listed once per stage.
    const tab = record.indexOf("\t");
    const file = record.slice(tab + 1);
    if (record.startsWith("160000 ")) submodules.push(file);
    else tracked.add(file);
  }
  return { tracked, untracked, submodules };
}

/**
 * linguist-vendored and linguist-generated of each file, as .gitattributes in `root`'s working
 * tree (and .git/info/attributes) set them; files with neither are left out. As Linguist
 * reads them: set or any value but "false" is true; unset (`-linguist-vendored`) or "false" is false.
 */
export async function linguistAttributes(
  root: string,
  files: readonly string[],
  /** Answers already known for `root` (every file asked, with or without attributes); filled in. */
  known?: Map<string, LinguistAttributes>,
): Promise<Map<string, LinguistAttributes>> {
  const found = new Map<string, LinguistAttributes>();
  const asked = known ? files.filter((file) => !known.has(file)) : files;
  if (known) for (const file of files) if (known.has(file)) found.set(file, known.get(file) ?? {});
  if (asked.length === 0) return found;
  const output = await git(
    ["check-attr", "-z", "--stdin", "linguist-vendored", "linguist-generated"],
    root,
    `${asked.join("\0")}\0`,
  );
  // "<path>\0<attribute>\0<value>\0" per file and attribute.
  const tokens = splitNul(output);
  for (let i = 0; i + 2 < tokens.length; i += 3) {
    const [file = "", attribute, value] = [tokens[i], tokens[i + 1], tokens[i + 2]];
    if (value === "unspecified") continue;
    const entry = found.get(file) ?? {};
    const on = value !== "unset" && value !== "false";
    if (attribute === "linguist-vendored") entry.vendored = on;
    else entry.generated = on;
    found.set(file, entry);
  }
  if (known) for (const file of asked) known.set(file, found.get(file) ?? {});
  return found;
}
