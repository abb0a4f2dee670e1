// A repository's workflow files through the GitHub API: the .github/workflows listing (a
// conditional request, so an unchanged folder costs a 304), then only the files whose git blob
// changed since the last sync. The local composite actions the workflows call are read the same
// way: their folder's listing (conditional), then their action.yml's blob when it changed.
import {
  ACTION_FILES,
  localComposites,
  NO_ACTION_FILE,
  notRead,
  readWorkflowText,
  replaceWorkflows,
  WORKFLOW_LIMITS,
  type WorkflowRead,
  walkComposites,
} from "./adoption-store.ts";
import { readActionFile, readWorkflowFile, staysInside, type Upstream } from "./adoption-uses.ts";
import type { Database } from "./database.ts";
import type { GitHubClient } from "./github-client.ts";

const FOLDER = ".github/workflows";
const WORKFLOW_FILE = /\.ya?ml$/i;

interface Entry {
  type: string;
  name: string;
  path: string;
  sha: string;
  size: number;
}

/** The repository's workflows as the store now holds them (what was read now, and what was kept). */
export async function syncWorkflowsFromGitHub(
  db: Database,
  api: GitHubClient,
  repository: string,
  upstream: Upstream,
  limits = WORKFLOW_LIMITS,
): Promise<WorkflowRead[]> {
  const [owner, repo] = repository.split("/") as [string, string];
  const listing = await api.get<Entry[] | Entry>("GET /repos/{owner}/{repo}/contents/{path}", {
    owner,
    repo,
    path: FOLDER,
  });
  // 404: no such folder (or, for a token without contents:read, a repository it cannot see).
  if (listing && !Array.isArray(listing)) {
    // A file or a symbolic link where the folder should be: named, not read.
    const read = problem({ ...listing, path: FOLDER }, `a ${listing.type}, not a folder; not read`);
    await replaceWorkflows(db, repository, "github", [read]);
    return [read];
  }
  const entries = (listing ?? []).filter((e) => WORKFLOW_FILE.test(e.name) && e.type !== "dir");
  const known = new Map(
    (
      await db.query<{ path: string; blob_sha: string | null }>(
        "SELECT path, blob_sha FROM workflow_file WHERE repository = $1",
        [repository],
      )
    ).map((r) => [r.path, r.blob_sha]),
  );
  const reads: WorkflowRead[] = [];
  const keep: string[] = [];
  for (const [i, entry] of entries.entries()) {
    if (i >= limits.maxFiles) {
      reads.push(
        problem(
          entry,
          `more than ${limits.maxFiles} workflow files in the folder; this one and later ones were not read`,
        ),
      );
      continue;
    }
    if (known.has(entry.path) && known.get(entry.path) === entry.sha) {
      keep.push(entry.path);
      continue;
    }
    if (entry.type !== "file") {
      reads.push(problem(entry, `a ${entry.type}, not a file; not read`));
      continue;
    }
    if (entry.size > limits.maxFileBytes) {
      reads.push(
        problem(entry, `${entry.size} bytes, more than the ${limits.maxFileBytes} read from a workflow file`),
      );
      continue;
    }
    const text = await blobText(api, owner, repo, entry.sha);
    if (text === undefined) {
      reads.push(problem(entry, "GitHub did not return its content"));
      continue;
    }
    reads.push(readWorkflowText(entry.path, text, entry.sha, (t, f) => readWorkflowFile(t, f, upstream)));
  }
  const composites = new Composites(db, api, repository, upstream, limits, known);
  await composites.read(reads, keep);
  const unchanged = keep.length === known.size && reads.length === 0;
  if (!unchanged) await replaceWorkflows(db, repository, "github", reads, keep);
  return reads;
}

/** A git blob's text; a blob is addressed by its content, so it never changes and is asked for only when new. */
async function blobText(api: GitHubClient, owner: string, repo: string, sha: string) {
  const blob = await api.get<{ content: string; encoding: string }>(
    "GET /repos/{owner}/{repo}/git/blobs/{file_sha}",
    { owner, repo, file_sha: sha },
    { conditional: false },
  );
  if (!blob || blob.encoding !== "base64") return undefined;
  return Buffer.from(blob.content, "base64").toString("utf8");
}

/**
 * The local composite actions a repository's workflows call (`uses: ./.github/actions/scan`),
 * and those they call, at the default branch: a conditional listing of each folder (a 304 while
 * it is unchanged), and its action.yml (else action.yaml) read only when its blob changed. The
 * calls of a file kept unchanged come from the store. Bounded: limits.maxCompositeDepth deep,
 * limits.maxFiles folders.
 */
class Composites {
  private readonly owner: string;
  private readonly repo: string;
  constructor(
    private readonly db: Database,
    private readonly api: GitHubClient,
    private readonly repository: string,
    private readonly upstream: Upstream,
    private readonly limits: typeof WORKFLOW_LIMITS,
    private readonly known: ReadonlyMap<string, string | null>,
  ) {
    [this.owner, this.repo] = repository.split("/") as [string, string];
  }

  /** Adds each composite's read to `reads`, or its path to `keep` when unchanged. */
  async read(reads: WorkflowRead[], keep: string[]): Promise<void> {
    const stored = await this.storedCalls();
    const callsOf = (files: readonly string[]) => files.flatMap((f) => stored.get(f) ?? []);
    const start = [...reads.flatMap(localComposites), ...callsOf(keep)];
    await walkComposites(start, this.limits, reads, async (folder) => {
      const read = await this.readFolder(folder);
      if (typeof read !== "string") {
        reads.push(read);
        return localComposites(read);
      }
      keep.push(read);
      return callsOf([read]);
    });
  }

  /** The read of a composite's action file, or its path when the store holds it unchanged. */
  private async readFolder(folder: string): Promise<WorkflowRead | string> {
    if (!staysInside(folder))
      return notRead(folder, "a local action path that leads out of the repository; not read", "action");
    const listing = await this.api.get<Entry[] | Entry>("GET /repos/{owner}/{repo}/contents/{path}", {
      owner: this.owner,
      repo: this.repo,
      path: folder,
    });
    if (listing === undefined)
      return notRead(
        folder,
        "no such folder on the default branch; its steps are not in the adoption tables",
        "action",
      );
    if (!Array.isArray(listing))
      return notRead(folder, `a ${listing.type}, not a folder; not read`, "action");
    const entry = ACTION_FILES.map((name) => listing.find((e) => e.name === name)).find(
      (e) => e !== undefined,
    );
    if (!entry) return notRead(folder, NO_ACTION_FILE, "action");
    if (this.known.get(entry.path) === entry.sha) return entry.path;
    if (entry.type !== "file")
      return notRead(entry.path, `a ${entry.type}, not a file; not read`, "action", entry.sha);
    if (entry.size > this.limits.maxFileBytes)
      return notRead(
        entry.path,
        `${entry.size} bytes, more than the ${this.limits.maxFileBytes} read from an action file`,
        "action",
        entry.sha,
      );
    const text = await blobText(this.api, this.owner, this.repo, entry.sha);
    if (text === undefined)
      return notRead(entry.path, "GitHub did not return its content", "action", entry.sha);
    return readWorkflowText(
      entry.path,
      text,
      entry.sha,
      (t, f) => readActionFile(t, f, this.upstream),
      "action",
    );
  }

  /** The local composite folders each stored file calls. */
  private async storedCalls(): Promise<Map<string, string[]>> {
    const rows = await this.db.query<{ workflow: string; called_path: string }>(
      `SELECT workflow, called_path FROM workflow_call
       WHERE repository = $1 AND kind = 'composite' AND called_repository = $1 ORDER BY workflow, line`,
      [this.repository],
    );
    const calls = new Map<string, string[]>();
    for (const r of rows) calls.set(r.workflow, [...(calls.get(r.workflow) ?? []), r.called_path]);
    return calls;
  }
}

function problem(entry: Entry, reason: string): WorkflowRead {
  return notRead(entry.path, reason, "workflow", entry.sha);
}
