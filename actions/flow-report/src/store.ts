import type { Columns, Database } from "./database.ts";
import type { EvidenceRow, PullRequestRow } from "./evidence-record.ts";
import { SNAPSHOTS } from "./schema.ts";

// Rows are written in COPY's text format into session-local staging tables (Database.load: COPY
// on PGlite, a JSON parameter on a server), then merged into the store with a few set-based
// statements: the same SQL on both engines, whether 10 rows come in or 500,000.

const EVIDENCE: Columns = [
  ["id", "text"],
  ["source", "text"],
  ["evidence_version", "integer"],
  ["repository", "text"],
  ["team", "text"],
  ["pr_number", "integer"],
  ["decision", "text"],
  ["rule_decision", "text"],
  ["cleared_by", "text"],
  ["approved", "boolean"],
  ["mode", "text"],
  ["started_at", "timestamptz"],
  ["finished_at", "timestamptz"],
  ["head_sha", "text"],
  ["author", "text"],
  ["changed_lines", "integer"],
  ["changed_files", "integer"],
  ["first_review_submitted_at", "timestamptz"],
  ["gate_version", "text"],
  ["workflow_ref", "text"],
];
// Child rows: the key (evidence_key, ord) first, then what the staging table carries.
const REASON: Columns = [
  ["rule", "text"],
  ["verdict", "text"],
  ["severity", "text"],
  ["category", "text"],
  ["tool", "text"],
];
const ESCALATION: Columns = [
  ["source", "text"],
  ["severity", "text"],
  ["sensitive", "boolean"],
];
const WAIVER: Columns = [
  ["waiver", "text"],
  ["expires", "date"],
  ["expired_referenced", "boolean"],
];
const PULL_REQUEST: Columns = [
  ["repository", "text"],
  ["number", "integer"],
  ["opened_at", "timestamptz"],
  ["ready_at", "timestamptz"],
  ["review_requested_at", "timestamptz"],
  ["security_approved_at", "timestamptz"],
  ["merged_at", "timestamptz"],
  ["closed_at", "timestamptz"],
  ["updated_at", "timestamptz"],
];

/** A child table of evidence, and its staging table (rows keyed by the staged record's seq). */
const CHILDREN = [
  { table: "evidence_reason", stage: "evidence_reason_stage", columns: REASON },
  { table: "evidence_escalation", stage: "evidence_escalation_stage", columns: ESCALATION },
  { table: "evidence_waiver", stage: "evidence_waiver_stage", columns: WAIVER },
] as const;

const SEQ: Columns = [["seq", "integer"]];
const ORD: Columns = [["ord", "integer"]];
const names = (columns: Columns, prefix = "") => columns.map(([name]) => prefix + name).join(", ");
const definition = (columns: Columns) => columns.map(([name, type]) => `${name} ${type}`).join(", ");

/** seq: the order rows were written in; of two copies of a record, the later one wins. */
const STAGING = `
CREATE TEMPORARY TABLE IF NOT EXISTS evidence_stage (${definition([...SEQ, ...EVIDENCE])});
${CHILDREN.map((c) => `CREATE TEMPORARY TABLE IF NOT EXISTS ${c.stage} (${definition([...SEQ, ...ORD, ...c.columns])});`).join("\n")}
CREATE TEMPORARY TABLE IF NOT EXISTS pull_request_stage (${definition([...SEQ, ...PULL_REQUEST])});
TRUNCATE evidence_stage, ${CHILDREN.map((c) => c.stage).join(", ")}, pull_request_stage;
`;

const UPDATE_EVIDENCE = EVIDENCE.filter(([c]) => c !== "id")
  .map(([c]) => `${c} = EXCLUDED.${c}`)
  .join(", ");
// A known time is never erased by an unknown one.
const UPDATE_PULL_REQUEST = PULL_REQUEST.slice(2)
  .map(([c]) => `${c} = COALESCE(EXCLUDED.${c}, pull_request.${c})`)
  .join(", ");

/** A new run's key, from the identity column's sequence. */
const NEXT_KEY = "nextval(pg_get_serial_sequence('evidence', 'key'))";

/**
 * The merge: the last copy of each record replaces the stored one and its child rows. `empty`:
 * the store had none of these rows, so nothing is replaced and no conflict can happen (the
 * bulk load, whose keys and indexes are built afterwards).
 */
function mergeStatements(empty: { evidence: boolean; pullRequests: boolean }): string[] {
  const evidence = [
    "CREATE TEMPORARY TABLE IF NOT EXISTS evidence_last (id text, seq integer, key integer)",
    "TRUNCATE evidence_last",
    // Each record's last copy, and its key: the stored run's when it was read before (replaced in
    // place), else the next (children then need no lookup of their run by its id).
    `INSERT INTO evidence_last (id, seq, key)
      SELECT d.id, d.seq, COALESCE(e.key, ${NEXT_KEY})
      FROM (SELECT DISTINCT ON (id) id, seq FROM evidence_stage ORDER BY id, seq DESC) d
      LEFT JOIN evidence e ON e.id = d.id`,
    "ANALYZE evidence_last",
    ...(empty.evidence
      ? []
      : CHILDREN.map((c) => `DELETE FROM ${c.table} t USING evidence_last l WHERE t.evidence_key = l.key`)),
    `INSERT INTO evidence (key, ${names(EVIDENCE)})
      SELECT l.key, ${names(EVIDENCE, "s.")} FROM evidence_stage s JOIN evidence_last l ON l.seq = s.seq
      -- A pull request's runs side by side on disk: the report reads them in this order.
      ORDER BY s.repository, s.pr_number, s.finished_at
      ${empty.evidence ? "" : `ON CONFLICT (id) DO UPDATE SET ${UPDATE_EVIDENCE}`}`,
    ...CHILDREN.map(
      (c) => `INSERT INTO ${c.table} (evidence_key, ord, ${names(c.columns)})
      SELECT l.key, s.ord, ${names(c.columns, "s.")}
      FROM ${c.stage} s JOIN evidence_last l ON l.seq = s.seq ORDER BY l.key, s.ord`,
    ),
  ];
  const pullRequests = `INSERT INTO pull_request (${names(PULL_REQUEST)})
    SELECT ${names(PULL_REQUEST)} FROM (
      SELECT DISTINCT ON (repository, number) * FROM pull_request_stage ORDER BY repository, number, seq DESC
    ) s
    ${empty.pullRequests ? "" : `ON CONFLICT (repository, number) DO UPDATE SET ${UPDATE_PULL_REQUEST}`}`;
  return [
    ...evidence,
    pullRequests,
    `TRUNCATE evidence_stage, ${CHILDREN.map((c) => c.stage).join(", ")}, pull_request_stage, evidence_last`,
  ];
}

/** A key, foreign key or index to put back after a bulk load, in the order to put it back. */
interface Key {
  drop: string;
  create: string;
  order: number;
}

/**
 * Drops the keys and indexes of `tables` (and foreign keys that point at them), to build them
 * once, sorted, after a bulk load: inserting 700,000 rows one index entry and one foreign key
 * check at a time costs many times more, and leaves half-empty index pages.
 */
async function dropKeys(db: Database, tables: readonly string[]): Promise<Key[]> {
  const rows = await db.query<{ kind: string; tab: string; name: string; def: string }>(
    `SELECT c.contype AS kind, c.conrelid::regclass::text AS tab, c.conname AS name, pg_get_constraintdef(c.oid) AS def
       FROM pg_constraint c
      WHERE c.contype IN ('p', 'u', 'f')
        AND (c.conrelid::regclass::text = ANY($1::text[]) OR (c.contype = 'f' AND c.confrelid::regclass::text = ANY($1::text[])))
     UNION ALL
     SELECT 'i', i.tablename, i.indexname, i.indexdef FROM pg_indexes i
      WHERE i.schemaname = current_schema() AND i.tablename = ANY($1::text[])
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)`,
    [tables],
  );
  const keys = rows.map((r) => {
    const table = quoteName(r.tab);
    if (r.kind === "i") return { drop: `DROP INDEX ${quoteName(r.name)}`, create: r.def, order: 2 };
    return {
      drop: `ALTER TABLE ${table} DROP CONSTRAINT ${quoteName(r.name)}`,
      create: `ALTER TABLE ${table} ADD CONSTRAINT ${quoteName(r.name)} ${r.def}`,
      order: r.kind === "f" ? 1 : 0,
    };
  });
  // Foreign keys go first (they need the keys they point at), and come back last.
  for (const key of [...keys].sort((a, b) => b.order - a.order)) await db.exec(key.drop);
  return keys.sort((a, b) => a.order - b.order);
}

/** regclass text is already quoted where it must be; a bare name is quoted here. */
function quoteName(name: string): string {
  return /^[a-z_][a-z0-9_$.]*$/.test(name) || name.startsWith('"') ? name : `"${name.replaceAll('"', '""')}"`;
}

/** One row in COPY's text format: tab-separated, \N for NULL, backslash escapes. */
function copyLine(values: readonly unknown[]): string {
  let line = "";
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (i > 0) line += "\t";
    if (value === null || value === undefined) line += "\\N";
    else if (typeof value === "boolean") line += value ? "t" : "f";
    else if (typeof value === "number") line += String(value);
    else line += String(value).replace(/[\\\t\n\r]/g, escapeCopy);
  }
  return `${line}\n`;
}

function escapeCopy(c: string): string {
  return c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r";
}

/**
 * COPY text of one table, gathered as bytes outside the JavaScript heap: a folder of hundreds of
 * thousands of records leaves no rows behind for the garbage collector to carry.
 */
class CopyBuffer {
  private bytes = Buffer.allocUnsafe(1 << 16);
  length = 0;

  add(values: readonly unknown[]): void {
    const line = copyLine(values);
    const need = this.length + Buffer.byteLength(line);
    if (need > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, 2 * this.bytes.length));
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    }
    this.length += this.bytes.write(line, this.length);
  }

  take(): Uint8Array<ArrayBuffer> {
    const out = this.bytes.subarray(0, this.length);
    this.length = 0;
    return out;
  }
}

/** Staged bytes past which a writer loads them into the database. */
const FLUSH_BYTES = 4 << 20;

/**
 * Writes records into the store: `add…` them in order, then `finish`. Use inside one transaction;
 * a record seen twice (a re-sync, the same file in two folders) replaces itself and its child
 * rows, so writing is idempotent.
 */
export class StoreWriter {
  private seq = 0;
  private staged = { evidence: 0, pullRequests: 0 };
  private readonly evidence = new CopyBuffer();
  private readonly children = CHILDREN.map(() => new CopyBuffer());
  private readonly pulls = new CopyBuffer();

  private constructor(private readonly db: Database) {}

  static async open(db: Database): Promise<StoreWriter> {
    await db.exec(STAGING);
    return new StoreWriter(db);
  }

  addEvidence(r: EvidenceRow): void {
    const seq = ++this.seq;
    this.staged.evidence++;
    this.evidence.add([
      seq,
      r.id,
      r.source,
      r.evidenceVersion,
      r.repository,
      r.team,
      r.prNumber,
      r.decision,
      r.ruleDecision,
      r.clearedBy,
      r.approved,
      r.mode,
      r.startedAt,
      r.finishedAt,
      r.headSha,
      r.author,
      r.changedLines,
      r.changedFiles,
      r.firstReviewSubmittedAt,
      r.gateVersion,
      r.workflowRef,
    ]);
    const [reasons, escalations, waivers] = this.children as [CopyBuffer, CopyBuffer, CopyBuffer];
    r.reasons.forEach((x, ord) => reasons.add([seq, ord, x.rule, x.verdict, x.severity, x.category, x.tool]));
    r.escalations.forEach((x, ord) => escalations.add([seq, ord, x.source, x.severity, x.sensitive]));
    r.waivers.forEach((x, ord) => waivers.add([seq, ord, x.waiver, x.expires, x.expiredReferenced]));
  }

  addPullRequest(r: PullRequestRow): void {
    this.staged.pullRequests++;
    this.pulls.add([
      ++this.seq,
      r.repository,
      r.number,
      r.openedAt,
      r.readyAt,
      r.reviewRequestedAt,
      r.securityApprovedAt,
      r.mergedAt,
      r.closedAt,
      r.updatedAt,
    ]);
  }

  /** Loads what is gathered once it is a few megabytes (call between records). */
  async flushIfFull(): Promise<void> {
    const gathered = [this.evidence, ...this.children, this.pulls].reduce((n, b) => n + b.length, 0);
    if (gathered >= FLUSH_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.evidence.length > 0)
      await this.db.load("evidence_stage", [...SEQ, ...EVIDENCE], this.evidence.take());
    for (const [i, child] of CHILDREN.entries()) {
      const buffer = this.children[i] as CopyBuffer;
      if (buffer.length > 0)
        await this.db.load(child.stage, [...SEQ, ...ORD, ...child.columns], buffer.take());
    }
    if (this.pulls.length > 0)
      await this.db.load("pull_request_stage", [...SEQ, ...PULL_REQUEST], this.pulls.take());
  }

  /** Merges everything written into the store. */
  async finish(): Promise<void> {
    await this.flush();
    const [empty] = await this.db.query<{ evidence: boolean; pull_requests: boolean }>(
      "SELECT NOT EXISTS (SELECT FROM evidence) AS evidence, NOT EXISTS (SELECT FROM pull_request) AS pull_requests",
    );
    const bulk = {
      evidence: empty?.evidence === true && this.staged.evidence > 0,
      pullRequests: empty?.pull_requests === true && this.staged.pullRequests > 0,
    };
    const tables = [
      ...(bulk.evidence ? ["evidence", ...CHILDREN.map((c) => c.table)] : []),
      ...(bulk.pullRequests ? ["pull_request"] : []),
    ];
    const keys = tables.length > 0 ? await dropKeys(this.db, tables) : [];
    // Emptied in this transaction: with wal_level minimal (PGlite), what follows writes no WAL.
    if (tables.length > 0) await this.db.exec(`TRUNCATE ${tables.join(", ")}`);
    for (const statement of mergeStatements(bulk)) await this.db.exec(statement);
    for (const key of keys) await this.db.exec(key.create);
    await markSnapshotsStale(this.db);
    // The report's queries are planned from statistics; PGlite has no autovacuum to gather them.
    if (this.staged.evidence + this.staged.pullRequests >= ANALYZE_AFTER)
      await this.db.exec(`ANALYZE evidence, ${CHILDREN.map((c) => c.table).join(", ")}, pull_request`);
    this.staged = { evidence: 0, pullRequests: 0 };
  }
}

/** Rows written past which the store's statistics are gathered again. */
const ANALYZE_AFTER = 10_000;

/**
 * Upserts gate runs by their id: a record read again (a re-sync, the same file in two folders)
 * replaces itself and its child rows, so ingesting is idempotent.
 */
export function upsertEvidence(db: Database, rows: readonly EvidenceRow[]): Promise<void> {
  return writeAll(db, rows, (writer, row) => writer.addEvidence(row));
}

/** Upserts pull-request timelines by repository and number; a known time is never erased by an unknown one. */
export function upsertPullRequests(db: Database, rows: readonly PullRequestRow[]): Promise<void> {
  return writeAll(db, rows, (writer, row) => writer.addPullRequest(row));
}

/** Writes `rows` through one StoreWriter, in one transaction. */
async function writeAll<T>(
  db: Database,
  rows: readonly T[],
  add: (writer: StoreWriter, row: T) => void,
): Promise<void> {
  await db.transaction(async (tx) => {
    const writer = await StoreWriter.open(tx);
    for (const row of rows) {
      add(writer, row);
      await writer.flushIfFull();
    }
    await writer.finish();
  });
}

async function markSnapshotsStale(db: Database): Promise<void> {
  await db.exec("INSERT INTO flow_state (stale) VALUES (true) ON CONFLICT (one) DO UPDATE SET stale = true");
}

/**
 * Writes the report's views (SNAPSHOTS: each pull request's stages, one sorted pass over every
 * gate run, seconds at 200,000 pull requests; its reasons; each repository's latest run) into
 * their tables when the records changed since they were last written: a sync pays for them once,
 * and a report reads the tables. Dropped and made again, so a new version's views bring their own
 * columns.
 */
export async function refreshSnapshots(db: Database): Promise<void> {
  const present = SNAPSHOTS.map(({ table }) => `to_regclass('${table}') IS NOT NULL`).join(" AND ");
  const [state] = await db.query<{ fresh: boolean }>(
    `SELECT (SELECT NOT stale FROM flow_state) AND ${present} AS fresh`,
  );
  if (state?.fresh) return;
  await db.transaction(async (tx) => {
    for (const { view, table } of SNAPSHOTS)
      await tx.exec(`DROP TABLE IF EXISTS ${table}; CREATE TABLE ${table} AS SELECT * FROM ${view};`);
    await tx.exec(
      "INSERT INTO flow_state (stale) VALUES (false) ON CONFLICT (one) DO UPDATE SET stale = false",
    );
  });
}

export async function counts(db: Database): Promise<{ evidence: number; pullRequests: number }> {
  const [row] = await db.query<{ evidence: number; pull_requests: number }>(
    "SELECT (SELECT count(*) FROM evidence)::int AS evidence, (SELECT count(*) FROM pull_request)::int AS pull_requests",
  );
  return { evidence: row?.evidence ?? 0, pullRequests: row?.pull_requests ?? 0 };
}
