import { execFile } from "node:child_process";
import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/**
 * A real git repository in a temp folder, isolated from the developer's git config. Shared by
 * every package's tests through `@secflow/kit/testing`.
 */
export interface TempRepo {
  /** The folder, with symlinks resolved (as git reports paths). */
  dir: string;
  /** Runs git in the repository; resolves to its stdout. */
  git(...args: string[]): Promise<string>;
  /** Writes files (relative paths); `null` deletes one. */
  write(files: Record<string, string | null>): Promise<void>;
  /** Writes `files`, stages everything and commits; returns the new commit SHA. */
  commit(message: string, files?: Record<string, string | null>): Promise<string>;
  cleanup(): Promise<void>;
}

const env = {
  ...process.env,
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
};

export async function tempRepo(prefix = "secflow-repo-"): Promise<TempRepo> {
  const dir = await realpath(await mkdtemp(path.join(tmpdir(), prefix)));
  const git = async (...args: string[]) =>
    (await execFileAsync("git", args, { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 })).stdout;
  const write = async (files: Record<string, string | null>) => {
    for (const [name, content] of Object.entries(files)) {
      const file = path.join(dir, name);
      if (content === null) await rm(file, { force: true });
      else {
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, content);
      }
    }
  };
  await git("init", "-q", "-b", "main");
  return {
    dir,
    git,
    write,
    async commit(message, files = {}) {
      await write(files);
      await git("add", "-A");
      await git("commit", "-q", "--allow-empty", "-m", message);
      return (await git("rev-parse", "HEAD")).trim();
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
