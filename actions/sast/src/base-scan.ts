// The base commit as the tools read it: a full worktree (scope: full, and tools that read every
// file), or only the earlier versions of the files the change touches (per-file tools).

import { access, mkdir, mkdtemp, realpath, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { git, withWorktree } from "@secflow/kit";
import type { Checkout } from "./checkout-scan.ts";

/**
 * Runs `scan` on a worktree of the whole base commit. The scanned folder may not exist at the
 * base: then nothing is scanned and everything in it is new.
 */
export function scanWholeBase<T>(
  checkout: Checkout,
  sha: string,
  scan: (base: Checkout) => Promise<T[]>,
): Promise<T[]> {
  return withWorktree(checkout.root, sha, async (dir) => {
    const base = await baseCheckout(checkout, dir);
    if (!(await exists(base.scanRoot))) return [];
    await borrowNodeModules(checkout.root, base.root);
    await borrowNodeModules(checkout.scanRoot, base.scanRoot);
    return scan(base);
  });
}

/**
 * Runs `scan` on a folder holding only `files` (repository-relative paths) as the base commit
 * has them, at their paths there, which costs what the files do rather than what the repository
 * does. One git process writes them: `restore` from the repository into a plain folder, with an
 * index of its own that stays empty, so no worktree is registered (nor removed) and the
 * repository's index is untouched. No hook runs on a restore.
 */
export async function scanBaseFiles<T>(
  checkout: Checkout,
  sha: string,
  files: readonly string[],
  scan: (base: Checkout) => Promise<T[]>,
): Promise<T[]> {
  if (files.length === 0) return [];
  // .git is the repository's folder, or a file naming it (a linked worktree, a submodule);
  // git reads either. Without one (GIT_DIR set by hand), a worktree does the same.
  const gitDir = path.join(checkout.root, ".git");
  if (!(await exists(gitDir))) return scanBaseFilesInWorktree(checkout, sha, files, scan);
  const parent = await mkdtemp(path.join(tmpdir(), "secflow-base-"));
  const dir = path.join(parent, "tree");
  try {
    await mkdir(dir);
    await git(
      [`--git-dir=${gitDir}`, `--work-tree=${dir}`, ...restoreFromStdin(sha)],
      dir,
      `${files.join("\0")}\0`,
      // An index of the folder's own, never written: restore --worktree only reads it, and an
      // empty one holds no attributes, as a worktree with nothing checked out has none.
      { GIT_INDEX_FILE: path.join(parent, "index") },
    );
    // Not a git checkout for the file listing: every file in it is tracked.
    return await scan({ ...(await baseCheckout(checkout, dir)), isGit: false });
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
}

/**
 * git arguments that write the files named on stdin (NUL-separated) as they are at `sha`. Literal
 * pathspecs: a file named "*.js" or ":(glob)x" is a name, not a pattern.
 */
function restoreFromStdin(sha: string): string[] {
  return [
    "--literal-pathspecs",
    "restore",
    `--source=${sha}`,
    "--worktree",
    "--pathspec-from-file=-",
    "--pathspec-file-nul",
  ];
}

/** scanBaseFiles in a worktree with nothing checked out but `files`, where .git is not at the root. */
async function scanBaseFilesInWorktree<T>(
  checkout: Checkout,
  sha: string,
  files: readonly string[],
  scan: (base: Checkout) => Promise<T[]>,
): Promise<T[]> {
  const parent = await mkdtemp(path.join(tmpdir(), "secflow-base-"));
  const dir = path.join(parent, "tree");
  const root = checkout.root;
  try {
    await git(
      ["-c", "core.hooksPath=/dev/null", "worktree", "add", "--no-checkout", "--detach", "--quiet", dir, sha],
      root,
    );
    await git(restoreFromStdin(sha), dir, `${files.join("\0")}\0`);
    // Not a git checkout for the file listing: its index is empty, and every file in it is tracked.
    return await scan({ ...(await baseCheckout(checkout, dir)), isGit: false });
  } finally {
    // Prune only when remove failed: every git process costs a fork of a large process.
    const removed = await git(["worktree", "remove", "--force", dir], root).then(
      () => true,
      () => false,
    );
    await rm(parent, { recursive: true, force: true });
    if (!removed) await git(["worktree", "prune"], root).catch(() => undefined);
  }
}

async function baseCheckout(checkout: Checkout, dir: string): Promise<Checkout> {
  const root = await realpath(dir);
  return { root, scanRoot: path.join(root, checkout.prefix), prefix: checkout.prefix, isGit: true };
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
