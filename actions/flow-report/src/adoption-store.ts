import { isUserError } from "@secflow/errors";
import type { ActionUse } from "./adoption-uses.ts";
import type { Database } from "./database.ts";
import type { BadFile } from "./read-folder.ts";

/** Bounds on one repository's workflows: GitHub runs files of a few kilobytes, a few dozen of them. */
export const WORKFLOW_LIMITS = { maxFiles: 500, maxFileBytes: 1024 * 1024 };

/** One workflow file as read: the secflow actions it runs, or why it could not be read. */
export interface WorkflowRead {
  /** Repository-relative: .github/workflows/ci.yml. */
  path: string;
  /** Git's blob id, when the API named it: an unchanged file is not read again. */
  blobSha: string | null;
  problem: string | null;
  uses: ActionUse[];
}

export interface WorkflowSync {
  repositories: number;
  files: number;
  uses: number;
  /** Files that could not be read or parsed: named and counted, never skipped in silence. */
  unreadable: BadFile[];
}

export const emptyWorkflowSync = (): WorkflowSync => ({ repositories: 0, files: 0, uses: 0, unreadable: [] });

/** Adds one repository's reads to the running totals. */
export function countWorkflows(sync: WorkflowSync, repository: string, reads: readonly WorkflowRead[]) {
  sync.repositories++;
  sync.files += reads.length;
  for (const read of reads) {
    sync.uses += read.uses.length;
    if (read.problem) sync.unreadable.push({ file: `${repository}/${read.path}`, reason: read.problem });
  }
}

/**
 * Replaces what the store knows of a repository's workflows with `reads`; files named in `keep`
 * (unchanged since they were read) stay as they are, every other file of before is gone.
 */
export async function replaceWorkflows(
  db: Database,
  repository: string,
  readFrom: "github" | "checkout",
  reads: readonly WorkflowRead[],
  keep: readonly string[] = [],
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query("DELETE FROM action_use WHERE repository = $1 AND NOT (workflow = ANY($2::text[]))", [
      repository,
      keep,
    ]);
    await tx.query("DELETE FROM workflow_file WHERE repository = $1 AND NOT (path = ANY($2::text[]))", [
      repository,
      keep,
    ]);
    if (reads.length === 0) return;
    await tx.query(
      `INSERT INTO workflow_file (repository, path, blob_sha, problem, read_from, synced_at)
       SELECT $2, path, blob_sha, problem, $3, now()
       FROM json_to_recordset($1::json) AS r (path text, blob_sha text, problem text)`,
      [
        JSON.stringify(reads.map((r) => ({ path: r.path, blob_sha: r.blobSha, problem: r.problem }))),
        repository,
        readFrom,
      ],
    );
    const uses = reads.flatMap((r) =>
      r.uses.map((u) => ({
        workflow: r.path,
        line: u.line,
        action: u.action,
        source: u.source,
        kind: u.kind,
        ref: u.ref,
        pinned: u.pinned,
        version: u.version?.text ?? null,
        major: u.version?.major ?? null,
        minor: u.version?.minor ?? null,
        patch: u.version?.patch ?? null,
      })),
    );
    if (uses.length === 0) return;
    await tx.query(
      `INSERT INTO action_use (repository, workflow, line, action, source, kind, ref, pinned, version, major, minor, patch)
       SELECT $2, workflow, line, action, source, kind, ref, pinned, version, major, minor, patch
       FROM json_to_recordset($1::json) AS r (workflow text, line integer, action text, source text,
         kind text, ref text, pinned boolean, version text, major integer, minor integer, patch integer)
       ON CONFLICT (repository, workflow, line) DO NOTHING`,
      [JSON.stringify(uses), repository],
    );
  });
}

/** A file's read: the secflow actions it runs, or the reason it cannot be read as a workflow. */
export function readWorkflowText(
  path: string,
  text: string,
  blobSha: string | null,
  parse: (text: string, file: string) => ActionUse[],
): WorkflowRead {
  try {
    return { path, blobSha, problem: null, uses: parse(text, path) };
  } catch (error) {
    if (!isUserError(error)) throw error;
    return { path, blobSha, problem: withoutFileName(path, (error as Error).message), uses: [] };
  }
}

/**
 * The kit's YAML errors start with the file's name, which a BadFile already carries; of several
 * (one per line), the first is the one to fix.
 */
function withoutFileName(path: string, message: string): string {
  const first = message.split("\n")[0] ?? message;
  if (!first.startsWith(`${path}:`)) return first;
  const rest = first.slice(path.length + 1);
  const line = /^(\d+): /.exec(rest);
  return line ? `line ${line[1]}: ${rest.slice(line[0].length)}` : rest.trim();
}
