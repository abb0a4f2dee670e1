import path from "node:path";
import { UserError } from "@secflow/errors";
import type { InputReader } from "@secflow/kit";
import { type IncludeGlobs, parseIncludeInput } from "./policy-files.ts";

export interface Options {
  /** The repository checkout (absolute). */
  cwd: string;
  /** Refs to compare; unset: the pull request's, else a local main branch and HEAD. */
  base?: string;
  head?: string;
  /** Globs given with the `include` input; they replace defaults and secflow.yml per kind. */
  include: Partial<IncludeGlobs>;
  /** The secflow configuration, relative to the repository root. */
  configPath: string;
  /** Where the SARIF and the diff JSON are written (absolute). */
  output: string;
  diffOutput: string;
  env: NodeJS.ProcessEnv;
}

/** Reads every option from the action's inputs; paths are relative to `path` (default GITHUB_WORKSPACE). */
export function readOptions(read: InputReader, env: NodeJS.ProcessEnv): Options {
  const cwd = path.resolve(read.string("path") ?? env.GITHUB_WORKSPACE ?? ".");
  const base = read.string("base");
  const head = read.string("head");
  return {
    cwd,
    ...(base ? { base } : {}),
    ...(head ? { head } : {}),
    include: parseIncludeInput(read.string("include")),
    configPath: repositoryPath(cwd, read.string("config", ".github/secflow.yml")),
    output: path.resolve(cwd, read.string("output", "secflow-policy-diff.sarif")),
    diffOutput: path.resolve(cwd, read.string("diff-output", "secflow-policy-diff.json")),
    env,
  };
}

/** The config is read from git at both commits, so it must be a path inside the repository. */
function repositoryPath(cwd: string, file: string): string {
  const relative = path.relative(cwd, path.resolve(cwd, file)).split(path.sep).join("/");
  if (relative === "" || relative.startsWith("../") || path.isAbsolute(relative)) {
    throw new UserError(
      `Input "config": ${JSON.stringify(file)} is not a file inside the repository ${cwd}; policy-diff reads it from git at the base and head commits.`,
    );
  }
  return relative;
}
