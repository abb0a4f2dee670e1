// In changed scope, which tools may read only the files the change touches: those whose findings
// in a file depend on that file alone (per-file analyzers), with the configuration they read
// unchanged. The others read every file at the head and at the base, as scope: full does.

import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { SastTool, SecflowConfig } from "@secflow/kit";
import { findProjectEslint } from "./adapters/eslint-project.ts";
import { findSemgrepRules } from "./adapters/semgrep.ts";
import type { ChangeSet } from "./change-set.ts";
import { repoRelative } from "./paths.ts";
import type { Scope } from "./scope.ts";

/** How each tool reads the checkout in this run. */
export interface ToolScopes {
  scope: Scope;
  /** The change's files, in changed scope. */
  change?: ChangeSet;
  /**
   * Tools that read only the files the change adds or modifies, each with the repository files
   * its arguments name (a Bandit config, Semgrep's rules), which the base scan needs beside the
   * earlier versions.
   */
  perFile: ReadonlyMap<SastTool, readonly string[]>;
  /** Tools that read every file although the scope is changed, and why. */
  whole: ReadonlyMap<SastTool, string>;
}

interface Where {
  repoRoot: string;
  scanRoot: string;
  config: SecflowConfig;
}

export async function toolScopes(
  scope: Scope,
  change: ChangeSet | undefined,
  tools: readonly SastTool[],
  where: Where,
): Promise<ToolScopes> {
  const perFile = new Map<SastTool, readonly string[]>();
  const whole = new Map<SastTool, string>();
  if (scope.kind === "full" || !change) return { scope, perFile, whole };
  for (const tool of tools) {
    const decision = await decide(tool, change, where);
    if (typeof decision === "string") whole.set(tool, decision);
    else perFile.set(tool, decision);
  }
  return { scope, change, perFile, whole };
}

/** The files the tool needs at the base beside the changed ones, or why it reads every file. */
async function decide(tool: SastTool, change: ChangeSet, where: Where): Promise<string[] | string> {
  const args = where.config.sast?.args?.[tool] ?? [];
  if (tool === "eslint") {
    const project = await findProjectEslint(where.scanRoot, where.repoRoot);
    // The repository's own config may hold type-aware or cross-file rules (import/no-cycle):
    // a change to one file can make a finding in another.
    if (project?.bin && project.version)
      return `it runs the repository's own ESLint config (${project.config}), whose rules may read other files`;
    return [];
  }
  if (tool === "semgrep") return semgrepSupport(args, change, where.repoRoot);
  const named = await namedFiles(args, where.repoRoot);
  if (typeof named === "string") return named;
  const edited = named.find((file) => change.named.has(file));
  if (edited) return `the change edits ${edited}, which sast.args.${tool} names`;
  return named;
}

/**
 * Semgrep's rules are per-file when they are the repository's own rule files (.semgrep.yml or
 * .semgrep/), unchanged, with no inter-file or join rule. Rules named in sast.args.semgrep
 * (a registry pack, --pro) are not read here, so those runs read every file.
 */
async function semgrepSupport(
  args: readonly string[],
  change: ChangeSet,
  repoRoot: string,
): Promise<string[] | string> {
  if (args.length > 0) return "sast.args.semgrep may name rules that read across files";
  const rules = await findSemgrepRules(repoRoot);
  if (!rules) return [];
  const files = await filesUnder(repoRoot, rules);
  const edited = [...change.named].find((file) => file === rules || file.startsWith(`${rules}/`));
  if (edited) return `the change edits its rules (${edited})`;
  for (const file of files) {
    const text = await readFile(path.join(repoRoot, file), "utf8").catch(() => "");
    if (/\binterfile\s*:\s*true\b/.test(text) || /\bmode\s*:\s*join\b/.test(text))
      return `${file} has inter-file or join rules`;
  }
  return files;
}

/**
 * Regular files of the repository that the tool's arguments name (`-c pyproject.toml`,
 * `--ini=.bandit`): the base scan runs where only the changed files are, so it needs them too.
 * One outside the repository is read from where it is; a relative one outside cannot be.
 */
async function namedFiles(args: readonly string[], repoRoot: string): Promise<string[] | string> {
  const files: string[] = [];
  for (const arg of args) {
    const value = arg.startsWith("-") ? arg.slice(arg.indexOf("=") + 1 || arg.length) : arg;
    if (value === "") continue;
    const absolute = path.resolve(repoRoot, value);
    if (!(await stat(absolute).catch(() => undefined))?.isFile()) continue;
    const relative = repoRelative(absolute, repoRoot, repoRoot);
    if (relative !== undefined) files.push(relative);
    else if (!path.isAbsolute(value)) return `its arguments name ${value}, outside the repository`;
  }
  return files;
}

/** A file, or the files of a folder, as repository-relative paths. */
async function filesUnder(repoRoot: string, relative: string): Promise<string[]> {
  const absolute = path.join(repoRoot, relative);
  if (!(await stat(absolute)).isDirectory()) return [relative];
  const entries = await readdir(absolute, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) =>
      path.relative(repoRoot, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"),
    );
}
