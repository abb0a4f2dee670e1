import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { walkFiles } from "@secflow/kit";
import { type EventName, eventEnv, tempRepo as kitTempRepo } from "@secflow/kit/testing";
import type { ScanContext } from "../src/scan-context.ts";

/** A temp folder holding the given files; `cleanup` removes it. */
export async function tempTree(files: Record<string, string>) {
  const dir = await realpath(await mkdtemp(path.join(tmpdir(), "secflow-sast-")));
  await writeTree(dir, files);
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

async function writeTree(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
}

/** A real git repository holding `files` (git's output trimmed, as these tests compare it). */
export async function tempRepo(files: Record<string, string> = {}) {
  const repo = await kitTempRepo("secflow-sast-");
  await repo.write(files);
  return { ...repo, git: async (...args: string[]) => (await repo.git(...args)).trim() };
}

/** A scan context over every file of a folder, as run() builds it. */
export async function contextOf(dir: string, args: string[] = []): Promise<ScanContext> {
  return {
    repoRoot: dir,
    scanRoot: dir,
    files: await walkFiles(dir),
    args,
    env: process.env,
  };
}

/** "rule@path:line" for each finding, sorted: what a test expects to fire where. */
export function firing(findings: { ruleId: string; path: string; startLine: number }[]): string[] {
  return findings.map((f) => `${f.ruleId}@${f.path}:${f.startLine}`).sort();
}

/** Runs the action's logic as the CLI would: inputs by name, a console IO that records. */
export async function runSast(inputsByName: Record<string, string>, env: Record<string, string | undefined>) {
  const { consoleIO, inputs, recordInputSource } = await import("@secflow/kit");
  const { readOptions, run } = await import("../src/run.ts");
  const { PassThrough } = await import("node:stream");
  const stream = new PassThrough();
  let log = "";
  stream.on("data", (chunk: Buffer) => {
    log += chunk.toString();
  });
  const io = consoleIO({ stream });
  const outcome = await run(readOptions(inputs(recordInputSource(inputsByName)), env), io);
  return { outcome, io, log: () => log };
}

/** A clean environment for a run in `workspace`: no GitHub event unless a test adds one. */
export function envFor(
  workspace: string,
  extra: Record<string, string> = {},
): Record<string, string | undefined> {
  return { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_WORKSPACE: workspace, ...extra };
}

/**
 * The runner's environment for a real `name` event payload (@octokit/webhooks-examples) naming
 * these commits; the payload file goes in the repository's .git folder, never scanned.
 */
export async function eventEnvFor(
  repoDir: string,
  name: EventName,
  commits: { base?: string; head?: string } = {},
  extra: Record<string, string> = {},
): Promise<Record<string, string | undefined>> {
  return envFor(repoDir, { ...(await eventEnv(name, commits, path.join(repoDir, ".git"))), ...extra });
}

/** A run with no base to compare with (workflow_dispatch): a full scan, every finding new. */
export function fullScanEnv(repoDir: string): Promise<Record<string, string | undefined>> {
  return eventEnvFor(repoDir, "workflow_dispatch");
}
