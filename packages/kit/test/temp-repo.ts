import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** A real git repository in a temp folder, isolated from the developer's git config. */
export interface TempRepo {
  dir: string;
  git(...args: string[]): Promise<string>;
  write(files: Record<string, string>): Promise<void>;
  /** Stages everything and commits; returns the new commit SHA. */
  commit(message: string): Promise<string>;
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

export async function tempRepo(): Promise<TempRepo> {
  const dir = await mkdtemp(path.join(tmpdir(), "secflow-repo-"));
  const git = async (...args: string[]) =>
    (await execFileAsync("git", args, { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 })).stdout;
  await git("init", "-q", "-b", "main");
  return {
    dir,
    git,
    async write(files) {
      for (const [name, content] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
        await writeFile(path.join(dir, name), content);
      }
    },
    async commit(message) {
      await git("add", "-A");
      await git("commit", "-q", "--allow-empty", "-m", message);
      return (await git("rev-parse", "HEAD")).trim();
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
