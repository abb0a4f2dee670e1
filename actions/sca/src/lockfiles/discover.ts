import path from "node:path";
import { matcher, type Workspace, walkFiles } from "@secflow/kit";
import { DEFAULT_LOCKFILE_GLOBS } from "./formats.ts";

/**
 * Lockfiles under the scanned folder, as repository-relative POSIX paths (what SARIF locations
 * and git at the base commit use). `globs` are relative to the scanned folder; without them the
 * usual lockfile names are found. `node_modules` and `.git` are never searched; `ignorePaths`
 * (repository-relative) are left out.
 */
export async function discoverLockfiles(
  workspace: Pick<Workspace, "scanRoot" | "prefix">,
  globs: readonly string[],
  ignorePaths: readonly string[],
): Promise<string[]> {
  const found = await walkFiles(workspace.scanRoot, {
    include: globs.length ? globs : DEFAULT_LOCKFILE_GLOBS,
  });
  const ignored = matcher(ignorePaths);
  return found
    .map((file) => (workspace.prefix === "" ? file : path.posix.join(workspace.prefix, file)))
    .filter((file) => !ignored(file));
}
