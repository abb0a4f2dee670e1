import { ADOPTION_QUERIES, ADOPTION_SETUP, ADOPTION_TEARDOWN } from "./adoption-queries.ts";
import type { Database } from "./database.ts";
import { QUERIES, REPORT_SETUP, REPORT_TEARDOWN } from "./queries.ts";
import { refreshSnapshots } from "./store.ts";

export type Cell = string | number | boolean | null;

/** One table of the report: exactly what its SQL query returned. */
export interface ReportTable {
  name: string;
  title: string;
  columns: string[];
  rows: Record<string, Cell>[];
}

export interface Report {
  /** The instant the report describes; waivers expire and work waits relative to it. */
  now: string;
  engine: Database["engine"];
  tables: Record<string, ReportTable>;
}

export async function buildReport(db: Database, now: Date): Promise<Report> {
  const tables: Record<string, ReportTable> = {};
  // Up to date already after a sync; written here only if the records changed since.
  await refreshSnapshots(db);
  for (const statement of [...REPORT_SETUP, ...ADOPTION_SETUP])
    await db.query(statement, statement.includes("$1") ? [now.toISOString()] : []);
  try {
    for (const query of [...QUERIES, ...ADOPTION_QUERIES]) {
      const { columns, rows } = await db.table(query.sql, [now.toISOString()]);
      tables[query.name] = { name: query.name, title: query.title, columns, rows: rows.map(normalize) };
    }
  } finally {
    await db.exec(`${REPORT_TEARDOWN}; ${ADOPTION_TEARDOWN}`);
  }
  return { now: now.toISOString(), engine: db.engine, tables };
}

/** Both drivers answer alike: Dates as ISO text, bigints and numerics as numbers. */
function normalize(row: Record<string, unknown>): Record<string, Cell> {
  const out: Record<string, Cell> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value instanceof Date) out[key] = value.toISOString();
    else if (typeof value === "bigint") out[key] = Number(value);
    else if (value === null || ["string", "number", "boolean"].includes(typeof value))
      out[key] = value as Cell;
    else out[key] = JSON.stringify(value);
  }
  return out;
}
