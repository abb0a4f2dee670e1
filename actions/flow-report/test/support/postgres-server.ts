// A throwaway PostgreSQL server for the tests: Debian's `postgresql` binaries, a cluster made
// with initdb in a temp folder, on a free port of 127.0.0.1, removed afterwards.
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The folder of initdb and pg_ctl, or undefined when PostgreSQL is not installed. */
export function postgresBin(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter))
    if (dir && existsSync(path.join(dir, "pg_ctl")) && existsSync(path.join(dir, "initdb"))) return dir;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions)
    if (existsSync(path.join(root, v, "bin", "pg_ctl"))) return path.join(root, v, "bin");
  return undefined;
}

export interface PostgresServer {
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * Starts a server; PostgreSQL refuses to run as root, so as root the cluster belongs to the
 * `postgres` account that Debian's package creates.
 */
export async function startPostgres(bin: string): Promise<PostgresServer> {
  const dir = await mkdtemp(path.join(tmpdir(), "flow-report-pg-"));
  const data = path.join(dir, "data");
  const asRoot = userInfo().uid === 0;
  let uid: number | undefined;
  let gid: number | undefined;
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    uid = Number(stdout.trim());
    gid = Number((await run("id", ["-g", "postgres"])).stdout.trim());
    await chown(dir, uid, gid);
  }
  const as = { ...(uid !== undefined ? { uid, gid } : {}), cwd: dir };
  await run(
    path.join(bin, "initdb"),
    ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
    as,
  );
  const port = await freePort();
  await run(
    path.join(bin, "pg_ctl"),
    [
      "-D",
      data,
      "-w",
      "-l",
      path.join(dir, "log"),
      "-o",
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -F`,
      "start",
    ],
    as,
  );
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await run(path.join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "stop"], as).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
