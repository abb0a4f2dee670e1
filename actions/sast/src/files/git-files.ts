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
  const [staged, others] = await Promise.all([
    git(["ls-files", "-z", "--stage", "--full-name"], folder),
    git(["ls-files", "-z", "--others", "--exclude-standard", "--full-name"], folder),
  ]);
  const tracked = new Set<string>();
  const submodules: string[] = [];
  // "<mode> <object> <stage>\t<path>"; a file in a merge conflict is listed once per stage.
  for (const record of splitNul(staged)) {
    const tab = record.indexOf("\t");
    const file = record.slice(tab + 1);
    if (record.startsWith("160000 ")) submodules.push(file);
    else tracked.add(file);
  }
  return { tracked, untracked: new Set(splitNul(others)), submodules };
}

/**
 * linguist-vendored and linguist-generated of each file, as .gitattributes in `root`'s working
 * tree (and .git/info/attributes) set them; files with neither are left out. As Linguist
 * reads them: set or any value but "false" is true; unset (`-linguist-vendored`) or "false" is false.
 */
export async function linguistAttributes(
  root: string,
  files: readonly string[],
): Promise<Map<string, LinguistAttributes>> {
  const found = new Map<string, LinguistAttributes>();
  if (files.length === 0) return found;
  const output = await git(
    ["check-attr", "-z", "--stdin", "linguist-vendored", "linguist-generated"],
    root,
    `${files.join("\0")}\0`,
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
  return found;
}
