import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);
// No global or system git config: the tests see the same git everywhere.
const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };
const IDENTITY = ["-c", "user.name=Gate Test", "-c", "user.email=gate@example.com"];

/** A real git repository in a temp folder. */
export interface Repo {
  dir: string;
  git(...args: string[]): Promise<string>;
  /** Writes files (relative paths; null deletes), commits them and returns the SHA. */
  commit(message: string, files: Record<string, string | null>): Promise<string>;
  cleanup(): Promise<void>;
}

export async function createRepo(): Promise<Repo> {
  const dir = await mkdtemp(path.join(tmpdir(), "gate-repo-"));
  const git = async (...args: string[]) =>
    (await exec("git", [...IDENTITY, ...args], { cwd: dir, env, maxBuffer: 32 << 20 })).stdout;
  await git("init", "-q", "-b", "main");
  return {
    dir,
    git,
    async commit(message, files) {
      for (const [name, content] of Object.entries(files)) {
        const file = path.join(dir, name);
        if (content === null) await rm(file, { force: true });
        else {
          await mkdir(path.dirname(file), { recursive: true });
          await writeFile(file, content);
        }
      }
      await git("add", "-A");
      await git("commit", "-q", "--allow-empty", "-m", message);
      return (await git("rev-parse", "HEAD")).trim();
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
