// Where an action works: the folder it scans, the repository around it, and the one way every
// action reads a file from that repository (never through a symlink that leads out of it).

import { lstat, readFile, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { InputError, isUserError, UserError } from "@secflow/errors";
import { git } from "./git.ts";

export interface Workspace {
  /** Where relative file inputs start: GITHUB_WORKSPACE on a runner, else the current folder. */
  base: string;
  /** The folder to scan (real path). */
  scanRoot: string;
  /** The root of the git repository holding scanRoot (real path); scanRoot outside git. */
  root: string;
  /** scanRoot relative to root, POSIX, "" for the root itself. */
  prefix: string;
  isGit: boolean;
}

/** Whether the runner runs us; there, every path must stay inside GITHUB_WORKSPACE. */
export function onRunner(env: NodeJS.ProcessEnv): boolean {
  return env.GITHUB_ACTIONS === "true" && Boolean(env.GITHUB_WORKSPACE);
}

/** GITHUB_WORKSPACE on a runner (or when set), else the current folder. */
export function workspaceBase(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): string {
  return path.resolve(env.GITHUB_WORKSPACE || cwd);
}

/**
 * Resolves the `path` input: relative to the workspace base; any folder from the CLI, a folder
 * inside GITHUB_WORKSPACE on a runner. The repository root is found from the folder itself.
 */
export async function resolveWorkspace(
  pathInput: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string = process.cwd(),
): Promise<Workspace> {
  const base = workspaceBase(env, cwd);
  const wanted = path.resolve(base, pathInput ?? ".");
  const info = await stat(wanted).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new InputError(`Input "path": ${wanted} is not a folder; give the folder to scan.`);
  }
  const scanRoot = await realpath(wanted);
  if (onRunner(env) && !isInside(await realpath(base), scanRoot)) {
    throw new InputError(
      `Input "path": ${scanRoot} is outside the workspace ${base}; on a runner give a folder inside the checkout.`,
    );
  }
  const root = await repositoryRoot(scanRoot);
  const relative = root ? toPosix(path.relative(root, scanRoot)) : "";
  return { base, scanRoot, root: root ?? scanRoot, prefix: relative, isGit: root !== undefined };
}

async function repositoryRoot(folder: string): Promise<string | undefined> {
  try {
    return await realpath((await git(["rev-parse", "--show-toplevel"], folder)).trim());
  } catch (error) {
    if (isUserError(error)) return undefined;
    throw error;
  }
}

/** Whether `file` is `root` or inside it (both absolute, already resolved). */
export function isInside(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  // "..foo" is a name inside; only ".." itself or a "../" start climbs out.
  const climbs = relative === ".." || relative.startsWith(`..${path.sep}`);
  return relative === "" || (!climbs && !path.isAbsolute(relative));
}

/** A file input (outputs, imports, databases), absolute: relative to the workspace base. */
export function inputPath(workspace: Pick<Workspace, "base">, value: string): string {
  return path.resolve(workspace.base, value);
}

/**
 * A file input that is read from the repository (at a commit, too): its repository-relative
 * POSIX path. Anything outside the repository is an InputError naming the input.
 */
export function repositoryPath(
  workspace: Pick<Workspace, "base" | "root">,
  value: string,
  input: string,
): string {
  const absolute = path.resolve(workspace.base, value);
  if (!isInside(workspace.root, absolute) || absolute === workspace.root) {
    throw new InputError(
      `Input "${input}": ${JSON.stringify(value)} is not a file inside the repository ${workspace.root}; it is read from git at the commits compared.`,
    );
  }
  return toPosix(path.relative(workspace.root, absolute));
}

export function toPosix(file: string): string {
  return file.split(path.sep).join("/");
}

/** Files larger than this are refused rather than read whole (lockfiles, configs, policy). */
export const MAX_REPOSITORY_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Reads a repository-relative file from the working tree, or undefined when there is none.
 * A symlink is followed only while it stays inside the repository: one that leads out (to
 * /proc/self/environ, ~/.ssh, …) is a UserError that names it, and nothing of the target is read.
 */
export async function readRepositoryFile(
  root: string,
  file: string,
  options: { maxBytes?: number } = {},
): Promise<string | undefined> {
  const absolute = path.resolve(root, file);
  if (!isInside(root, absolute)) {
    throw new UserError(`${file} is outside the repository ${root}; secflow reads only files inside it.`);
  }
  const link = await lstat(absolute).catch(() => undefined);
  if (!link) return undefined;
  let target: string;
  try {
    target = await realpath(absolute);
  } catch {
    return undefined; // a dangling link: there is no file
  }
  if (!isInside(await realpath(root), target)) {
    throw new UserError(
      `${file} is a symbolic link that leads out of the repository; secflow does not read through it. Replace the link with the file itself.`,
    );
  }
  const info = await stat(target);
  if (!info.isFile()) return undefined;
  const maxBytes = options.maxBytes ?? MAX_REPOSITORY_FILE_BYTES;
  if (info.size > maxBytes) {
    throw new UserError(
      `${file} is ${info.size} bytes, more than the ${maxBytes} secflow reads from one file.`,
    );
  }
  return readFile(target, "utf8");
}
