import type { Database } from "./database.ts";
import type { EvidenceRow, PullRequestRow } from "./evidence-record.ts";

// Rows travel as one JSON parameter per batch (json_to_recordset): one statement for thousands
// of rows, the same text on PGlite and on a PostgreSQL server.
const BATCH = 2000;

type Columns = readonly (readonly [name: string, type: string])[];

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
const REASON: Columns = [
  ["evidence_id", "text"],
  ["ord", "integer"],
  ["rule", "text"],
  ["verdict", "text"],
  ["severity", "text"],
  ["category", "text"],
];
const ESCALATION: Columns = [
  ["evidence_id", "text"],
  ["ord", "integer"],
  ["source", "text"],
  ["severity", "text"],
  ["sensitive", "boolean"],
];
const WAIVER: Columns = [
  ["evidence_id", "text"],
  ["ord", "integer"],
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

async function insertRows(
  db: Database,
  table: string,
  columns: Columns,
  rows: readonly Record<string, unknown>[],
  conflict = "",
): Promise<void> {
  const names = columns.map(([name]) => name).join(", ");
  const types = columns.map(([name, type]) => `${name} ${type}`).join(", ");
  for (let i = 0; i < rows.length; i += BATCH)
    await db.query(
      `INSERT INTO ${table} (${names}) SELECT ${names} FROM json_to_recordset($1::json) AS r (${types}) ${conflict}`,
      [JSON.stringify(rows.slice(i, i + BATCH))],
    );
}

/**
 * Upserts gate runs by their id: a record read again (a re-sync, the same file in two folders)
 * replaces itself and its child rows, so ingesting is idempotent.
 */
export async function upsertEvidence(db: Database, rows: readonly EvidenceRow[]): Promise<void> {
  const unique = [...new Map(rows.map((r) => [r.id, r])).values()];
  const update = EVIDENCE.filter(([c]) => c !== "id")
    .map(([c]) => `${c} = EXCLUDED.${c}`)
    .join(", ");
  for (let i = 0; i < unique.length; i += BATCH) {
    const batch = unique.slice(i, i + BATCH);
    await db.transaction(async (tx) => {
      await insertRows(
        tx,
        "evidence",
        EVIDENCE,
        batch.map((r) => ({
          id: r.id,
          source: r.source,
          evidence_version: r.evidenceVersion,
          repository: r.repository,
          team: r.team,
          pr_number: r.prNumber,
          decision: r.decision,
          rule_decision: r.ruleDecision,
          cleared_by: r.clearedBy,
          approved: r.approved,
          mode: r.mode,
          started_at: r.startedAt,
          finished_at: r.finishedAt,
          head_sha: r.headSha,
          author: r.author,
          changed_lines: r.changedLines,
          changed_files: r.changedFiles,
          first_review_submitted_at: r.firstReviewSubmittedAt,
          gate_version: r.gateVersion,
          workflow_ref: r.workflowRef,
        })),
        `ON CONFLICT (id) DO UPDATE SET ${update}`,
      );
      const ids = batch.map((r) => r.id);
      for (const child of ["evidence_reason", "evidence_escalation", "evidence_waiver"])
        await tx.query(`DELETE FROM ${child} WHERE evidence_id = ANY($1::text[])`, [ids]);
      await insertRows(
        tx,
        "evidence_reason",
        REASON,
        batch.flatMap((r) => r.reasons.map((x, ord) => ({ evidence_id: r.id, ord, ...x }))),
      );
      await insertRows(
        tx,
        "evidence_escalation",
        ESCALATION,
        batch.flatMap((r) => r.escalations.map((x, ord) => ({ evidence_id: r.id, ord, ...x }))),
      );
      await insertRows(
        tx,
        "evidence_waiver",
        WAIVER,
        batch.flatMap((r) =>
          r.waivers.map((x, ord) => ({
            evidence_id: r.id,
            ord,
            waiver: x.waiver,
            expires: x.expires,
            expired_referenced: x.expiredReferenced,
          })),
        ),
      );
    });
  }
}

/** Upserts pull-request timelines by repository and number; a known time is never erased by an unknown one. */
export async function upsertPullRequests(db: Database, rows: readonly PullRequestRow[]): Promise<void> {
  const unique = [...new Map(rows.map((r) => [`${r.repository}#${r.number}`, r])).values()];
  const update = PULL_REQUEST.slice(2)
    .map(([c]) => `${c} = COALESCE(EXCLUDED.${c}, pull_request.${c})`)
    .join(", ");
  await insertRows(
    db,
    "pull_request",
    PULL_REQUEST,
    unique.map((r) => ({
      repository: r.repository,
      number: r.number,
      opened_at: r.openedAt,
      ready_at: r.readyAt,
      review_requested_at: r.reviewRequestedAt,
      security_approved_at: r.securityApprovedAt,
      merged_at: r.mergedAt,
      closed_at: r.closedAt,
      updated_at: r.updatedAt,
    })),
    `ON CONFLICT (repository, number) DO UPDATE SET ${update}`,
  );
}

export async function counts(db: Database): Promise<{ evidence: number; pullRequests: number }> {
  const [row] = await db.query<{ evidence: number; pull_requests: number }>(
    "SELECT (SELECT count(*) FROM evidence)::int AS evidence, (SELECT count(*) FROM pull_request)::int AS pull_requests",
  );
  return { evidence: row?.evidence ?? 0, pullRequests: row?.pull_requests ?? 0 };
}
