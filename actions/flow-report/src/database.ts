import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { UserError } from "@secflow/errors";
import { FLOW_VIEW, SCHEMA } from "./schema.ts";

/**
 * One SQL dialect for both stores: PGlite (PostgreSQL compiled to WebAssembly, in the action's
 * own process) and a PostgreSQL server. Schema and queries are the same text for both.
 */
export interface Database {
  readonly engine: "pglite" | "postgres";
  /** Where it lives: the file, or the server URL with its password masked. */
  readonly where: string;
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Rows with the column names in the query's order (known even when no row comes back). */
  table(
    text: string,
    params?: readonly unknown[],
  ): Promise<{ columns: string[]; rows: Record<string, unknown>[] }>;
  /** Several statements, no parameters. */
  exec(text: string): Promise<void>;
  transaction<T>(work: (db: Database) => Promise<T>): Promise<T>;
  /** Saves (the embedded file) and disconnects. */
  close(): Promise<void>;
}

const SERVER_URL = /^postgres(ql)?:\/\//i;

/** `postgres://…` is a server; anything else is the embedded database's file (a .tar.gz dump). */
export async function openDatabase(spec: string, cwd = process.cwd()): Promise<Database> {
  const db = SERVER_URL.test(spec) ? await openServer(spec) : await openEmbedded(path.resolve(cwd, spec));
  await db.exec(SCHEMA);
  await db.exec(FLOW_VIEW);
  return db;
}

export function maskUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, "$1***@");
}

async function openServer(url: string): Promise<Database> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  const where = maskUrl(url);
  let depth = 0;
  try {
    await client.connect();
  } catch (error) {
    throw new UserError(
      `cannot connect to the PostgreSQL server ${where}: ${(error as Error).message}; check the database URL, that the server runs and that it accepts this user`,
    );
  }
  // Report queries run in UTC, whatever the server's setting: weeks start on Monday, UTC.
  await client.query("SET TIME ZONE 'UTC'");
  const db: Database = {
    engine: "postgres",
    where,
    async query<T>(text: string, params: readonly unknown[] = []) {
      return (await client.query(text, params as unknown[])).rows as T[];
    },
    async table(text, params = []) {
      const result = await client.query(text, params as unknown[]);
      return { columns: result.fields.map((f) => f.name), rows: result.rows };
    },
    async exec(text) {
      await client.query(text);
    },
    async transaction(work) {
      if (depth > 0) return work(db);
      depth++;
      await client.query("BEGIN");
      try {
        const result = await work(db);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      } finally {
        depth--;
      }
    },
    close: () => client.end(),
  };
  return db;
}

const EMBEDDED_SETTINGS = [
  "max_wal_size = 64MB",
  "min_wal_size = 32MB",
  "wal_level = minimal",
  "max_wal_senders = 0",
  "full_page_writes = off",
  "synchronous_commit = off",
  "work_mem = 32MB",
];

/** A file ending .tar.gz or .tgz is one file, loaded into memory and saved whole; anything else is a data folder on disk. */
const ONE_FILE = /\.(tar\.gz|tgz)$/i;

async function openEmbedded(file: string): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite");
  const oneFile = ONE_FILE.test(file);
  let loadDataDir: Blob | undefined;
  if (oneFile && existsSync(file)) {
    loadDataDir = new Blob([new Uint8Array(await readFile(file))]);
  }
  if (!oneFile) await mkdir(file, { recursive: true });
  let pg: InstanceType<typeof PGlite>;
  try {
    pg = await PGlite.create({
      // A folder: PostgreSQL reads and writes its pages there, so only what a query touches is in memory.
      ...(oneFile ? {} : { dataDir: file }),
      ...(loadDataDir ? { loadDataDir } : {}),
      relaxedDurability: true,
      // The data folder lives in memory: keep little WAL (PostgreSQL's default lets 1 GB pile up
      // before a checkpoint) and give sorts room.
      postgresqlconf: EMBEDDED_SETTINGS,
    });
  } catch (error) {
    if (!loadDataDir && oneFile) throw error;
    throw new UserError(
      `${file} is not a flow-report database (${(error as Error).message}); delete it to start a new one, or name another file with --database`,
    );
  }
  await pg.exec("SET TIME ZONE 'UTC'");
  // Inside a transaction, a nested one is the same transaction (PGlite would wait for itself).
  const wrap = (
    q: Pick<InstanceType<typeof PGlite>, "query" | "exec">,
    inTransaction: boolean,
  ): Database => ({
    engine: "pglite",
    where: file,
    async query<T>(text: string, params: readonly unknown[] = []) {
      return (await q.query<T>(text, params as unknown[])).rows;
    },
    async table(text, params = []) {
      const result = await q.query<Record<string, unknown>>(text, params as unknown[]);
      return { columns: result.fields.map((f) => f.name), rows: result.rows };
    },
    async exec(text) {
      await q.exec(text);
    },
    transaction(work) {
      if (inTransaction) return work(this);
      return pg.transaction((tx) => work(wrap(tx, true)));
    },
    async close() {
      // Everything on the data folder's pages before it is saved (synchronous_commit is off).
      await pg.exec("CHECKPOINT");
      if (!oneFile) {
        await pg.close();
        return;
      }
      const dump = await pg.dumpDataDir("gzip");
      await pg.close();
      // Written next to the target and renamed: an interrupted save never leaves half a file.
      await mkdir(path.dirname(file), { recursive: true });
      const partial = `${file}.partial`;
      await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
      await rename(partial, file);
    },
  });
  return wrap(pg, false);
}
