// A repository's workflow files through the GitHub API: the .github/workflows listing (a
// conditional request, so an unchanged folder costs a 304), then only the files whose git blob
// changed since the last sync.
import { readWorkflowText, replaceWorkflows, WORKFLOW_LIMITS, type WorkflowRead } from "./adoption-store.ts";
import { type Upstream, workflowActions } from "./adoption-uses.ts";
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
    const blob = await api.get<{ content: string; encoding: string }>(
      "GET /repos/{owner}/{repo}/git/blobs/{file_sha}",
      { owner, repo, file_sha: entry.sha },
      // A blob is addressed by its content: it never changes, and is asked for only when new.
      { conditional: false },
    );
    if (!blob || blob.encoding !== "base64") {
      reads.push(problem(entry, "GitHub did not return its content"));
      continue;
    }
    const text = Buffer.from(blob.content, "base64").toString("utf8");
    reads.push(readWorkflowText(entry.path, text, entry.sha, (t, f) => workflowActions(t, f, upstream)));
  }
  const unchanged = keep.length === known.size && reads.length === 0;
  if (!unchanged) await replaceWorkflows(db, repository, "github", reads, keep);
  return reads;
}

function problem(entry: Entry, reason: string): WorkflowRead {
  return { path: entry.path, blobSha: entry.sha, problem: reason, uses: [] };
}
