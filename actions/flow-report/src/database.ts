import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { UserError } from "@secflow/errors";
import { packFolder, unpackFolder } from "./archive.ts";
import { SCHEMA, STORE_FORMAT, VIEWS } from "./schema.ts";

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
  /** Appends rows in COPY's text format (values in `columns`' order) to a table. */
  load(table: string, columns: Columns, copyText: Uint8Array<ArrayBuffer>): Promise<void>;
  transaction<T>(work: (db: Database) => Promise<T>): Promise<T>;
  /**
   * Disconnects; the embedded file is saved unless `save` is false (a run that only reported:
   * packing a large database again takes seconds and changes nothing). A new file is always saved.
   */
  close(options?: { save?: boolean }): Promise<void>;
}

/** A table's columns and their SQL types, in the order a row gives its values. */
export type Columns = readonly (readonly [name: string, type: string])[];

const SERVER_URL = /^postgres(ql)?:\/\//i;

/**
 * An empty database made when the action is bundled (scripts/pglite-assets.mjs), beside the
 * bundle: a new database starts as a copy of it instead of running PostgreSQL's initdb, whose
 * second WebAssembly instance alone took the process to 660 MB.
 */
const BUNDLED_TEMPLATE = fileURLToPath(new URL("./empty-database.tar.gz", import.meta.url));

/**
 * `postgres://…` is a server; anything else is the embedded database's file (.tar or .tar.gz) or folder.
 * `template`: the empty database a new embedded one starts from, when that file exists.
 */
export async function openDatabase(
  spec: string,
  cwd = process.cwd(),
  template = BUNDLED_TEMPLATE,
): Promise<Database> {
  const db = SERVER_URL.test(spec)
    ? await openServer(spec)
    : await openEmbedded(path.resolve(cwd, spec), template);
  try {
    await refuseOtherFormat(db);
  } catch (error) {
    await db.close({ save: false });
    throw error;
  }
  await db.exec(SCHEMA);
  await db.exec(VIEWS);
  return db;
}

/**
 * A store another version of flow-report wrote in another format: refused before the schema is
 * applied (which would leave old tables as they were and the queries failing on them).
 */
async function refuseOtherFormat(db: Database): Promise<void> {
  const [state] = await db.query<{ tables: boolean; format: boolean }>(
    "SELECT to_regclass('evidence') IS NOT NULL AS tables, to_regclass('store_format') IS NOT NULL AS format",
  );
  if (!state?.tables) return;
  const [row] = state.format ? await db.query<{ version: number }>("SELECT version FROM store_format") : [];
  const version = row?.version ?? 1;
  if (version === STORE_FORMAT) return;
  const fix =
    db.engine === "postgres"
      ? "drop its tables (or name another database)"
      : "delete it (or name another file with --database)";
  throw new UserError(
    `${db.where} holds a flow-report store in format ${version}, and this flow-report reads format ${STORE_FORMAT}: ${fix}, then sync again from the evidence`,
  );
}

/**
 * Writes a new, empty embedded database to `file` (PGlite's initdb, no tables): what
 * scripts/empty-database.ts makes for the bundle. Without tables, it serves every version of the
 * schema, which openDatabase applies.
 */
export async function createEmptyDatabase(file: string): Promise<void> {
  await (await openEmbedded(path.resolve(file), "")).close();
}

export function maskUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, "$1***@");
}

const SERVER_BATCH = 5000;

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
    async load(table, columns, copyText) {
      // No COPY stream in pg without another package: the rows go as JSON parameters instead.
      const names = columns.map(([name]) => name).join(", ");
      const types = columns.map(([name, type]) => `${name} ${type}`).join(", ");
      const rows = parseCopyText(Buffer.from(copyText).toString("utf8"), columns);
      for (let i = 0; i < rows.length; i += SERVER_BATCH)
        await client.query(
          `INSERT INTO ${table} (${names}) SELECT ${names} FROM json_to_recordset($1::json) AS r (${types})`,
          [JSON.stringify(rows.slice(i, i + SERVER_BATCH))],
        );
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
  // PostgreSQL's own pages: the operating system caches the data folder's files as well.
  "shared_buffers = 32MB",
  "max_wal_size = 64MB",
  "min_wal_size = 32MB",
  "wal_level = minimal",
  "max_wal_senders = 0",
  "full_page_writes = off",
  "synchronous_commit = off",
  "work_mem = 32MB",
];

/** A file ending .tar, .tar.gz or .tgz is one file, unpacked into a working folder and saved whole; anything else is a data folder. */
const ONE_FILE = /\.(tar|tar\.gz|tgz)$/i;
/** A name that asks for the file gzipped. */
const GZIPPED = /\.(tar\.gz|tgz)$/i;

async function openEmbedded(file: string, template: string): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite");
  const oneFile = ONE_FILE.test(file);
  // PostgreSQL reads and writes its pages in a folder on disk, so only what a query touches is
  // in memory; one file is that folder as a .tar (.tar.gz), unpacked here and packed again on close.
  const dataDir = oneFile ? await mkdtemp(path.join(tmpdir(), "flow-report-db-")) : file;
  const discard = () => (oneFile ? rm(dataDir, { recursive: true, force: true }) : Promise.resolve());
  const existed = existsSync(file);
  let pg: InstanceType<typeof PGlite>;
  try {
    if (!oneFile) await mkdir(file, { recursive: true });
    if (oneFile && existed) unpackFolder(file, dataDir);
    else if (!existed && existsSync(template)) unpackFolder(template, dataDir);
    pg = await PGlite.create({
      dataDir,
      relaxedDurability: true,
      // Small WAL segments: the saved file carries no more WAL than a few megabytes.
      initDbStartParams: ["--wal-segsize=1"],
      postgresqlconf: EMBEDDED_SETTINGS,
    });
  } catch (error) {
    await discard();
    if (!existed || !oneFile) throw error;
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
    async load(table, columns, copyText) {
      // COPY through PGlite's /dev/blob: no statement per row, no JSON to parse.
      await q.query(`COPY ${table} (${columns.map(([name]) => name).join(", ")}) FROM '/dev/blob'`, [], {
        blob: new Blob([copyText]),
      });
    },
    transaction(work) {
      if (inTransaction) return work(this);
      return pg.transaction((tx) => work(wrap(tx, true)));
    },
    async close({ save = true } = {}) {
      try {
        // Everything on the data folder's pages before it is saved (synchronous_commit is off).
        await pg.exec("CHECKPOINT");
        await pg.close();
        if (!oneFile || (!save && existed)) return;
        // Written next to the target and renamed: an interrupted save never leaves half a file.
        await mkdir(path.dirname(file), { recursive: true });
        const partial = `${file}.partial`;
        await packFolder(dataDir, partial, { gzip: GZIPPED.test(file) });
        await rename(partial, file);
      } finally {
        await discard();
      }
    },
  });
  return wrap(pg, false);
}

/** Rows of COPY's text format as objects for json_to_recordset (the server path). */
function parseCopyText(text: string, columns: Columns): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const fields = line.split("\t");
    const row: Record<string, unknown> = {};
    columns.forEach(([name, type], i) => {
      const field = fields[i] ?? "\\N";
      if (field === "\\N") row[name] = null;
      else if (type === "boolean") row[name] = field === "t";
      else if (type === "integer") row[name] = Number(field);
      else row[name] = field.replace(/\\(.)/g, (_, c: string) => UNESCAPE[c] ?? c);
    });
    rows.push(row);
  }
  return rows;
}

const UNESCAPE: Record<string, string> = { t: "\t", n: "\n", r: "\r", "\\": "\\" };
