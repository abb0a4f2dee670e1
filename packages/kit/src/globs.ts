import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import picomatch from "picomatch";

/** A predicate for repository-relative POSIX paths; dot files match like any other. */
export type PathMatcher = (file: string) => boolean;

/** Matches a path against any of the globs; no globs match nothing. */
export function matcher(globs: readonly string[]): PathMatcher {
  if (globs.length === 0) return () => false;
  // flags "s": a file name may hold a newline, and `*` must match it like any other character.
  const isMatch = picomatch([...globs], { dot: true, flags: "s" });
  return (file) => isMatch(file.replace(/^\.\//, ""));
}

export interface WalkOptions {
  /** Only files matching one of these globs (default: every file). */
  include?: readonly string[];
  /** Leave out files matching one of these globs. */
  exclude?: readonly string[];
}

const SKIPPED_DIRECTORIES = new Set([".git", "node_modules"]);

/**
 * Every file under root as sorted repository-relative POSIX paths, skipping `.git` and
 * `node_modules`. Symbolic links to files count as files; links to folders are not followed,
 * so a link loop cannot trap the walk.
 */
export async function walkFiles(root: string, options: WalkOptions = {}): Promise<string[]> {
  const include = options.include?.length ? matcher(options.include) : () => true;
  const exclude = matcher(options.exclude ?? []);
  const files: string[] = [];

  async function visit(dir: string, prefix: string): Promise<void> {
    const entries: Dirent[] = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const relative = prefix + entry.name;
      const absolute = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) await visit(absolute, `${relative}/`);
      } else if (entry.isFile() || (entry.isSymbolicLink() && (await isFile(absolute)))) {
        if (include(relative) && !exclude(relative)) files.push(relative);
      }
    }
  }

  await visit(root, "");
  return files.sort();
}

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFile() ?? false;
}
