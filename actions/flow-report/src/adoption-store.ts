import { isUserError } from "@secflow/errors";
import type { ActionUse, FileCall, FileUses } from "./adoption-uses.ts";
import type { Database } from "./database.ts";
import type { BadFile } from "./read-folder.ts";

/**
 * Bounds on one repository's workflows: GitHub runs files of a few kilobytes, a few dozen of them;
 * it runs at most 10 local composite actions nested in one another, and so are they read.
 */
export const WORKFLOW_LIMITS = { maxFiles: 500, maxFileBytes: 1024 * 1024, maxCompositeDepth: 10 };

/**
 * One workflow file (or a local composite action's action.yml) as read: the secflow actions it
 * runs and the files it calls, or why it could not be read.
 */
export interface WorkflowRead {
  /** Repository-relative: .github/workflows/ci.yml, .github/actions/scan/action.yml. */
  path: string;
  /** Git's blob id, when the API named it: an unchanged file is not read again. */
  blobSha: string | null;
  problem: string | null;
  uses: ActionUse[];
  /** Reusable workflows and local composite actions it calls (followed by the report). */
  calls: FileCall[];
  /** A workflow of .github/workflows (runs on its own), or an action file (runs when called). */
  kind: "workflow" | "action";
  /** A workflow triggered only by workflow_call: it counts for its callers, not its own repository. */
  calledOnly?: boolean;
}

/** GitHub looks for a local action's action.yml, then action.yaml. */
export const ACTION_FILES = ["action.yml", "action.yaml"] as const;
export const NO_ACTION_FILE =
  "no action.yml or action.yaml in the folder; its steps are not in the adoption tables";
const tooDeep = (depth: number) =>
  `composite actions nested more than ${depth} deep (GitHub runs no deeper); not read`;

/** A file that was not read, and why. */
export function notRead(
  path: string,
  problem: string,
  kind: WorkflowRead["kind"] = "workflow",
  blobSha: string | null = null,
): WorkflowRead {
  return { path, blobSha, problem, uses: [], calls: [], kind };
}

/** The local composite actions (folders) a read calls, in its own repository. */
export function localComposites(read: WorkflowRead): string[] {
  return read.calls.filter((c) => c.kind === "composite" && c.repository === undefined).map((c) => c.path);
}

/**
 * Visits the local composite actions `folders` name, and those they call in turn, level by level,
 * each once: down to limits.maxCompositeDepth (GitHub runs no deeper nesting) and at most
 * limits.maxFiles folders. A folder past a bound goes to `reads` as not read; `visit` reads one
 * folder (a checkout's file, or the API's) and returns the folders it calls.
 */
export async function walkComposites(
  folders: readonly string[],
  limits: typeof WORKFLOW_LIMITS,
  reads: WorkflowRead[],
  visit: (folder: string) => Promise<readonly string[]>,
): Promise<void> {
  const seen = new Set<string>();
  let level = folders;
  for (let depth = 1; level.length > 0; depth++) {
    const next: string[] = [];
    for (const folder of level) {
      if (seen.has(folder)) continue;
      seen.add(folder);
      if (seen.size > limits.maxFiles)
        reads.push(notRead(folder, `more than ${limits.maxFiles} local actions; not read`, "action"));
      else if (depth > limits.maxCompositeDepth)
        reads.push(notRead(folder, tooDeep(limits.maxCompositeDepth), "action"));
      else next.push(...(await visit(folder)));
    }
    level = next;
  }
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
    await tx.query("DELETE FROM workflow_call WHERE repository = $1 AND NOT (workflow = ANY($2::text[]))", [
      repository,
      keep,
    ]);
    await tx.query("DELETE FROM workflow_file WHERE repository = $1 AND NOT (path = ANY($2::text[]))", [
      repository,
      keep,
    ]);
    if (reads.length === 0) return;
    await tx.query(
      `INSERT INTO workflow_file (repository, path, blob_sha, problem, read_from, synced_at, kind, called_only)
       SELECT $2, path, blob_sha, problem, $3, now(), kind, called_only
       FROM json_to_recordset($1::json) AS r (path text, blob_sha text, problem text, kind text, called_only boolean)
       ON CONFLICT (repository, path) DO NOTHING`,
      [
        JSON.stringify(
          reads.map((r) => ({
            path: r.path,
            blob_sha: r.blobSha,
            problem: r.problem,
            kind: r.kind,
            called_only: r.calledOnly ?? false,
          })),
        ),
        repository,
        readFrom,
      ],
    );
    const calls = reads.flatMap((r) =>
      r.calls.map((c) => ({
        workflow: r.path,
        line: c.line,
        kind: c.kind,
        called_repository: c.repository ?? null,
        called_path: c.path,
        called_ref: c.ref ?? null,
      })),
    );
    if (calls.length > 0)
      await tx.query(
        `INSERT INTO workflow_call (repository, workflow, line, kind, called_repository, called_path, called_ref)
         SELECT $2, workflow, line, kind, COALESCE(called_repository, $2), called_path, called_ref
         FROM json_to_recordset($1::json) AS r (workflow text, line integer, kind text,
           called_repository text, called_path text, called_ref text)
         ON CONFLICT (repository, workflow, line) DO NOTHING`,
        [JSON.stringify(calls), repository],
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

/** A file's read: what it runs, or the reason it cannot be read as a workflow (or action). */
export function readWorkflowText(
  path: string,
  text: string,
  blobSha: string | null,
  parse: (text: string, file: string) => FileUses,
  kind: WorkflowRead["kind"] = "workflow",
): WorkflowRead {
  try {
    return { path, blobSha, problem: null, ...parse(text, path), kind };
  } catch (error) {
    if (!isUserError(error)) throw error;
    return notRead(path, withoutFileName(path, (error as Error).message), kind, blobSha);
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
