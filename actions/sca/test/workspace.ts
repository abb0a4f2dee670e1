// Real git repositories in temp folders for end-to-end runs, and real pull_request payloads
// from @octokit/webhooks-examples pointed at their commits.

import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { FIXTURES } from "./helpers.ts";

const run = promisify(execFile);
const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };

export interface Workspace {
  dir: string;
  git(...args: string[]): Promise<string>;
  /** Copies a fixture file or folder to a path in the workspace. */
  copy(fixture: string, to: string): Promise<void>;
  write(file: string, text: string): Promise<void>;
  commit(message: string): Promise<string>;
  cleanup(): Promise<void>;
}

export async function workspace(): Promise<Workspace> {
  const dir = await mkdtemp(path.join(tmpdir(), "sca-ws-"));
  const git = async (...args: string[]) => (await run("git", args, { cwd: dir, env: GIT_ENV })).stdout;
  await git("init", "-q", "-b", "main");
  return {
    dir,
    git,
    copy: async (fixture, to) => {
      await mkdir(path.dirname(path.join(dir, to)), { recursive: true });
      await cp(path.join(FIXTURES, fixture), path.join(dir, to), { recursive: true });
    },
    write: async (file, text) => {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await writeFile(path.join(dir, file), text);
    },
    commit: async (message) => {
      await git("add", "-A");
      await git(
        "-c",
        "user.name=Test",
        "-c",
        "user.email=test@example.com",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        message,
      );
      return (await git("rev-parse", "HEAD")).trim();
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A real `pull_request` `opened` payload with its base and head moved to our commits. */
export async function pullRequestEvent(dir: string, base: string, head: string): Promise<string> {
  const require = createRequire(import.meta.url);
  const index = require.resolve("@octokit/webhooks-examples/api.github.com/index.json");
  const all = JSON.parse(await readFile(index, "utf8")) as {
    name: string;
    examples: Record<string, unknown>[];
  }[];
  const example = all.find((e) => e.name === "pull_request")?.examples.find((e) => e.action === "opened");
  if (!example) throw new Error("no pull_request opened example");
  const payload = structuredClone(example) as {
    pull_request: { base: { sha: string; ref: string }; head: { sha: string; ref: string } };
  };
  payload.pull_request.base.sha = base;
  payload.pull_request.base.ref = "main";
  payload.pull_request.head.sha = head;
  const file = path.join(dir, "event.json");
  await writeFile(file, JSON.stringify(payload));
  return file;
}
