import path from "node:path";
import { matcher, walkFiles } from "@secflow/kit";
import { DEFAULT_LOCKFILE_GLOBS } from "./formats.ts";

/**
 * Lockfiles under `scanPath` (relative to the workspace), as workspace-relative POSIX paths.
 * `globs` are relative to `scanPath`; without them the usual lockfile names are found.
 * `node_modules` and `.git` are never searched; `ignorePaths` (workspace-relative) are left out.
 */
export async function discoverLockfiles(
  workspace: string,
  scanPath: string,
  globs: readonly string[],
  ignorePaths: readonly string[],
): Promise<string[]> {
  const root = path.join(workspace, scanPath);
  const found = await walkFiles(root, { include: globs.length ? globs : DEFAULT_LOCKFILE_GLOBS });
  const ignored = matcher(ignorePaths);
  return found
    .map((file) => (scanPath === "." ? file : path.posix.join(scanPath, file)))
    .filter((file) => !ignored(file));
}
