import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import { isUserError, UserError } from "@secflow/errors";
import { git, resolveCommit } from "@secflow/kit";

export interface Checkout {
  /** The git repository's root, or the scanned folder when it is not in one. */
  repoRoot: string;
  scanRoot: string;
  /** The commit checked out (HEAD); undefined outside git or before the first commit. */
  headSha?: string;
  isGit: boolean;
}

/** Where the scanned folder sits: its repository root and head commit, real paths throughout. */
export async function locateCheckout(scanPath: string): Promise<Checkout> {
  const info = await stat(scanPath).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new UserError(
      `Input "path": ${scanPath} is not a folder; give the folder to scan, relative to the workspace.`,
    );
  }
  const scanRoot = await realpath(scanPath);
  let top: string;
  try {
    top = (await git(["rev-parse", "--show-toplevel"], scanRoot)).trim();
  } catch (error) {
    if (isUserError(error)) return { repoRoot: scanRoot, scanRoot, isGit: false };
    throw error;
  }
  const repoRoot = await realpath(top);
  const headSha = await resolveCommit(repoRoot, "HEAD");
  return { repoRoot, scanRoot, isGit: true, ...(headSha ? { headSha } : {}) };
}

/** The scanned folder relative to the repository root ("" for the root itself), POSIX style. */
export function scanPrefix(checkout: Pick<Checkout, "repoRoot" | "scanRoot">): string {
  const relative = path.relative(checkout.repoRoot, checkout.scanRoot).split(path.sep).join("/");
  return relative === "" ? "" : `${relative}/`;
}

/** `versionControlProvenance` for the run, when the workflow names the repository. */
export function provenance(checkout: Checkout, env: NodeJS.ProcessEnv) {
  if (!checkout.headSha || !env.GITHUB_REPOSITORY) return undefined;
  const server = (env.GITHUB_SERVER_URL || "https://github.com").replace(/\/+$/, "");
  const branch = env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME;
  return {
    uri: `${server}/${env.GITHUB_REPOSITORY}`,
    revisionId: checkout.headSha,
    ...(branch ? { branch } : {}),
  };
}
