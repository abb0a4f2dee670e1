import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

export const root = join(import.meta.dirname, "..", "..");
const exec = promisify(execFile);

const AUTHOR = ["-c", "user.name=Dana Developer", "-c", "user.email=dana@example.com"];

export async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await exec("git", [...AUTHOR, ...args], { cwd })).stdout.trim();
}

/** A real repository: examples/demo-service at the base commit, the change at the head commit. */
export async function demoRepository(): Promise<{ repo: string; base: string; head: string }> {
  const repo = await mkdtemp(join(tmpdir(), "secflow-e2e-"));
  await git(repo, "init", "-q", "-b", "main");
  await cp(join(root, "examples/demo-service"), repo, { recursive: true });
  await git(repo, "add", "-A");
  await git(repo, "commit", "-q", "-m", "base");
  const base = await git(repo, "rev-parse", "HEAD");
  await git(repo, "checkout", "-q", "-b", "feature");
  await cp(join(root, "examples/demo-service-change"), repo, {
    recursive: true,
    filter: (src) => !src.endsWith("pull-request.json"),
  });
  await git(repo, "add", "-A");
  await git(repo, "commit", "-q", "-m", "head");
  return { repo, base, head: await git(repo, "rev-parse", "HEAD") };
}

/** The demo's pull_request payload (shaped as GitHub sends it), pointed at these commits. */
export async function pullRequestEvent(dir: string, base: string, head: string): Promise<string> {
  const event = JSON.parse(
    await readFile(join(root, "examples/demo-service-change/pull-request.json"), "utf8"),
  );
  event.pull_request.base.sha = base;
  event.pull_request.head.sha = head;
  const file = join(dir, "event.json");
  await writeFile(file, JSON.stringify(event));
  return file;
}

export interface StepResult {
  exitCode: number;
  outputs: Record<string, string>;
  summary: string;
  stdout: string;
}

/**
 * Runs a bundled action as the runner does: `node dist/index.js` in a fresh process with
 * INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and the event payload.
 */
export async function runStep(
  action: string,
  inputs: Record<string, string>,
  env: { workspace: string; event: string; scratch: string; actionsDir?: string },
): Promise<StepResult> {
  const outputFile = join(env.scratch, `${action}.output`);
  const summaryFile = join(env.scratch, `${action}.summary.md`);
  await writeFile(outputFile, "");
  await writeFile(summaryFile, "");
  const variables: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: "true",
    GITHUB_WORKSPACE: env.workspace,
    GITHUB_EVENT_NAME: "pull_request",
    GITHUB_EVENT_PATH: env.event,
    GITHUB_REPOSITORY: "acme/orders-service",
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: env.scratch,
  };
  for (const [name, value] of Object.entries(inputs)) variables[`INPUT_${name.toUpperCase()}`] = value;
  let exitCode = 0;
  let stdout = "";
  try {
    ({ stdout } = await exec(
      process.execPath,
      [join(env.actionsDir ?? join(root, "actions"), action, "dist/index.js")],
      {
        cwd: env.workspace,
        env: variables,
      },
    ));
  } catch (error) {
    const failure = error as { code?: number; stdout?: string };
    exitCode = failure.code ?? 1;
    stdout = failure.stdout ?? "";
  }
  return {
    exitCode,
    outputs: parseOutputs(await readFile(outputFile, "utf8")),
    summary: await readFile(summaryFile, "utf8"),
    stdout,
  };
}

/** GITHUB_OUTPUT's format: `name<<DELIMITER`, the value's lines, `DELIMITER`. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? "");
    if (heredoc) {
      const [, name, delimiter] = heredoc as unknown as [string, string, string];
      const value: string[] = [];
      while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i] ?? "");
      outputs[name] = value.join("\n");
    } else if (lines[i]?.includes("=")) {
      const [name, ...rest] = (lines[i] as string).split("=");
      outputs[name as string] = rest.join("=");
    }
  }
  return outputs;
}
