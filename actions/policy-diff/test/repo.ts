import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type ConsoleIO, consoleIO, inputs, recordInputSource } from "@secflow/kit";
import { type TempRepo, tempRepo } from "@secflow/kit/testing";
import { type Sarif, validate } from "@secflow/sarif";
import { afterAll } from "vitest";
import type { PolicyDiff } from "../src/diff-file.ts";
import { type Outcome, readOptions, run } from "../src/run.ts";

/** git isolated from the developer's config, with a fixed author, and no CI event to pick up. */
export const gitEnv: NodeJS.ProcessEnv = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(GITHUB_|INPUT_|RUNNER_)/.test(key)),
  ),
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
};

export interface Repo extends Omit<TempRepo, "commit"> {
  /** Writes files (null deletes one), stages everything and commits; returns the SHA. */
  commit(files: Record<string, string | null>, message?: string): Promise<string>;
}

export async function createRepo(): Promise<Repo> {
  const repo = await tempRepo("policy-diff-");
  return { ...repo, commit: (files, message = "change") => repo.commit(message, files) };
}

export interface DiffRun {
  outcome: Outcome;
  diff: PolicyDiff;
  sarif: Sarif.Log;
  io: ConsoleIO;
  /** Every line the run wrote to its log. */
  log: string;
  repo: Repo;
}

/**
 * Commits `base`, then `head` on top (files not named stay as they were; null deletes), runs the
 * action through readOptions as the CLI does, and checks that the SARIF it wrote is valid.
 */
export async function diffCommits(
  base: Record<string, string | null>,
  head: Record<string, string | null>,
  inputValues: Record<string, string> = {},
  env: NodeJS.ProcessEnv = {},
): Promise<DiffRun> {
  const repo = await createRepo();
  const baseSha = await repo.commit(base, "base");
  const headSha = await repo.commit(head, "head");
  return diffRepo(repo, baseSha, headSha, inputValues, env);
}

/** Runs the action on two commits of a repository, as diffCommits does. */
export async function diffRepo(
  repo: Repo,
  baseSha: string,
  headSha: string,
  inputValues: Record<string, string> = {},
  env: NodeJS.ProcessEnv = {},
): Promise<DiffRun> {
  const out = await mkdtemp(path.join(tmpdir(), "policy-diff-out-"));
  let log = "";
  const stream = {
    write(text: string) {
      log += text;
      return true;
    },
  };
  const io = consoleIO({ stream: stream as unknown as NodeJS.WritableStream });
  const options = readOptions(
    inputs(
      recordInputSource({
        base: baseSha,
        head: headSha,
        path: repo.dir,
        output: path.join(out, "out.sarif"),
        "diff-output": path.join(out, "diff.json"),
        ...inputValues,
      }),
    ),
    // As on a runner: the checkout is the workspace, which `config` is relative to.
    { ...gitEnv, GITHUB_WORKSPACE: repo.dir, ...env },
  );
  const outcome = await run(options, io);
  const sarif = JSON.parse(await readFile(path.join(out, "out.sarif"), "utf8")) as Sarif.Log;
  const diff = JSON.parse(await readFile(path.join(out, "diff.json"), "utf8")) as PolicyDiff;
  const check = validate(sarif);
  if (!check.valid) throw new Error(`invalid SARIF: ${JSON.stringify(check.issues)}`);
  await rm(out, { recursive: true, force: true });
  return { outcome, diff, sarif, io, log, repo };
}

/** A compact view of a change for assertions: "kind class/severity subject | permission | resource". */
export function brief(diff: PolicyDiff): string[] {
  return diff.changes.map(
    (c) => `${c.kind} ${c.class}/${c.severity} ${c.subject} | ${c.permission} | ${c.resource}`,
  );
}

/** diffCommits for one test file: every repository it creates is removed after the file's tests. */
export function diffCommitsCleanedUpAfterAll(): typeof diffCommits {
  const runs: DiffRun[] = [];
  afterAll(() => Promise.all(runs.map((r) => r.repo.cleanup())));
  return async (...args) => {
    const result = await diffCommits(...args);
    runs.push(result);
    return result;
  };
}
