import { unzipSync } from "fflate";
import { syncWorkflowsFromGitHub } from "./adoption-github.ts";
import { countWorkflows, emptyWorkflowSync, type WorkflowSync } from "./adoption-store.ts";
import type { Upstream } from "./adoption-uses.ts";
import type { Database } from "./database.ts";
import { BadRecord, classify, type EvidenceRow, type PullRequestRow } from "./evidence-record.ts";
import type { GitHubClient } from "./github-client.ts";
import type { Progress } from "./ingest.ts";
import type { BadFile } from "./read-folder.ts";
import { refreshSnapshots, upsertEvidence, upsertPullRequests } from "./store.ts";

/** The artifact each gate run uploads its evidence in (examples/workflows). */
const ARTIFACT_NAME = "change-gate-evidence";
/** Bounds on one artifact: a zip of a few evidence files. */
const ARTIFACT_LIMITS = { maxZipBytes: 32 * 1024 * 1024, maxEntryBytes: 16 * 1024 * 1024 };
// Aliased pull requests per GraphQL query: one query reads the timelines of this many.
const TIMELINES_PER_QUERY = 50;

export interface CollectTarget {
  /** owner/name of each repository, or every repository of `organisation`. */
  repositories: string[];
  organisation?: string;
  /** Also read each repository's workflow files: which secflow actions it runs (adoption). */
  adoption?: { upstream: Upstream };
}

export interface CollectResult {
  repositories: number;
  artifacts: number;
  evidence: number;
  timelines: number;
  bad: BadFile[];
  workflows: WorkflowSync;
}

interface Artifact {
  id: number;
  name: string;
  expired: boolean;
  created_at: string | null;
  size_in_bytes: number;
}

/**
 * Reads the gate's evidence artifacts of each repository (only those not read before) and the
 * timelines of their pull requests into the store.
 */
export async function collectFromGitHub(
  db: Database,
  api: GitHubClient,
  target: CollectTarget,
  progress: Progress,
): Promise<CollectResult> {
  const repositories = [...target.repositories];
  if (target.organisation) {
    const repos = await api.list<{ full_name: string; archived?: boolean }>("GET /orgs/{org}/repos", {
      org: target.organisation,
      type: "all",
    });
    repositories.push(...repos.filter((r) => !r.archived).map((r) => r.full_name));
  }
  const result: CollectResult = {
    repositories: repositories.length,
    artifacts: 0,
    evidence: 0,
    timelines: 0,
    bad: [],
    workflows: emptyWorkflowSync(),
  };
  for (const [i, full] of repositories.entries()) {
    const [owner, repo] = full.split("/") as [string, string];
    const artifacts = await api.list<Artifact>("GET /repos/{owner}/{repo}/actions/artifacts", {
      owner,
      repo,
      name: ARTIFACT_NAME,
    });
    const known = new Set(
      (
        await db.query<{ id: string }>("SELECT id::text AS id FROM artifact WHERE repository = $1", [full])
      ).map((r) => Number(r.id)),
    );
    const fresh = artifacts.filter((a) => a.name === ARTIFACT_NAME && !a.expired && !known.has(a.id));
    const rows: EvidenceRow[] = [];
    const pulls: PullRequestRow[] = [];
    for (const artifact of fresh) {
      const source = `${full}/artifacts/${artifact.id}`;
      if (artifact.size_in_bytes > ARTIFACT_LIMITS.maxZipBytes) {
        result.bad.push({
          file: source,
          reason: `${artifact.size_in_bytes} bytes is more than an evidence artifact may have (${ARTIFACT_LIMITS.maxZipBytes})`,
        });
        continue;
      }
      const zip = await api.download(
        "GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}",
        {
          owner,
          repo,
          artifact_id: artifact.id,
          archive_format: "zip",
        },
      );
      readArtifact(zip, source, rows, pulls, result.bad);
    }
    await db.transaction(async (tx) => {
      await upsertEvidence(tx, rows);
      await upsertPullRequests(tx, pulls);
      for (const a of fresh)
        await tx.query(
          "INSERT INTO artifact (repository, id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
          [full, a.id, a.created_at],
        );
    });
    result.artifacts += fresh.length;
    result.evidence += rows.length;
    const withNewEvidence = rows.flatMap((r) => (r.prNumber === null ? [] : [r.prNumber]));
    result.timelines += await syncTimelines(db, api, owner, repo, withNewEvidence);
    if (target.adoption)
      countWorkflows(
        result.workflows,
        full,
        await syncWorkflowsFromGitHub(db, api, full, target.adoption.upstream),
      );
    progress(
      `repository ${i + 1} of ${repositories.length}: ${full}, ${fresh.length} new evidence artifacts`,
    );
  }
  // Once per sync rather than per repository: the flow of every pull request, for the reports.
  await refreshSnapshots(db);
  return result;
}

function readArtifact(
  zip: Uint8Array,
  source: string,
  rows: EvidenceRow[],
  pulls: PullRequestRow[],
  bad: BadFile[],
) {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, {
      filter: (f) => f.name.endsWith(".json") && f.originalSize <= ARTIFACT_LIMITS.maxEntryBytes,
    });
  } catch (error) {
    bad.push({ file: source, reason: `not a zip archive: ${(error as Error).message}` });
    return;
  }
  for (const [name, bytes] of Object.entries(files)) {
    const file = `${source}/${name}`;
    try {
      const parsed = classify(JSON.parse(new TextDecoder().decode(bytes)), file);
      if (parsed.kind === "evidence") rows.push(parsed.row);
      else if (parsed.kind === "pull-request") pulls.push(parsed.row);
    } catch (error) {
      if (error instanceof SyntaxError) bad.push({ file, reason: `not JSON: ${error.message}` });
      else if (error instanceof BadRecord) bad.push({ file, reason: error.message });
      else throw error;
    }
  }
}

interface TimelineNode {
  __typename: string;
  createdAt?: string;
  submittedAt?: string | null;
  state?: string;
}
interface PullTimeline {
  number: number;
  createdAt: string;
  updatedAt: string;
  mergedAt: string | null;
  closedAt: string | null;
  timelineItems: { nodes: TimelineNode[] };
}

interface PullSummary {
  number: number;
  updated_at: string;
}

/**
 * The timelines of the repository's pull requests that have evidence and changed since the last
 * sync, 50 to a GraphQL query, and a merged pull request never again (it does not change). What
 * changed: the pull requests with new evidence, and those GitHub lists as updated after the newest
 * update the last sync saw (REST, sorted by update, newest first, read back only that far; a
 * conditional request, so a quiet repository costs a 304) and newer than the timeline the store
 * holds. Two shortcuts: a repository with nothing open and no new evidence costs no request; and
 * when new evidence needs a query anyway and the open pull requests fit in it with the new ones,
 * that one query asks about all of them (one query costs one GraphQL point for up to 50), so the
 * list, a REST request counted against the rate limit, is not needed.
 */
async function syncTimelines(
  db: Database,
  api: GitHubClient,
  owner: string,
  repo: string,
  withNewEvidence: readonly number[],
): Promise<number> {
  const full = `${owner}/${repo}`;
  const open = (
    await db.query<{ number: number }>(
      `SELECT DISTINCT e.pr_number AS number FROM evidence e
       LEFT JOIN pull_request p ON p.repository = e.repository AND p.number = e.pr_number
       WHERE e.repository = $1 AND e.pr_number IS NOT NULL AND p.closed_at IS NULL AND p.merged_at IS NULL
       ORDER BY 1`,
      [full],
    )
  ).map((r) => r.number);
  const merged = new Set(
    (
      await db.query<{ number: number }>(
        "SELECT number FROM pull_request WHERE repository = $1 AND number = ANY($2::int[]) AND merged_at IS NOT NULL",
        [full, withNewEvidence],
      )
    ).map((r) => r.number),
  );
  const fresh = withNewEvidence.filter((n) => !merged.has(n));
  if (open.length === 0 && fresh.length === 0) return 0;
  const all = [...new Set([...open, ...fresh])];
  let ask: number[];
  let seenUpTo: string | undefined;
  if (fresh.length > 0 && all.length <= TIMELINES_PER_QUERY) ask = all;
  else ({ ask, seenUpTo } = await changedPullRequests(db, api, owner, repo, open));
  ask = [...new Set([...ask, ...fresh])].sort((a, b) => a - b);
  const rows: PullRequestRow[] = [];
  for (let i = 0; i < ask.length; i += TIMELINES_PER_QUERY)
    rows.push(...(await timelines(api, owner, repo, ask.slice(i, i + TIMELINES_PER_QUERY))));
  // When every open one was asked about, the newest update among them is as far as the next
  // sync needs to read back: nothing else with evidence can have changed before it.
  if (ask.length === all.length && seenUpTo === undefined)
    seenUpTo =
      rows
        .map((r) => r.updatedAt ?? "")
        .sort()
        .at(-1) || undefined;
  await db.transaction(async (tx) => {
    await upsertPullRequests(tx, rows);
    // Only now: a failed query above leaves the mark where it was, and the next sync asks again.
    if (seenUpTo)
      await tx.query(
        `INSERT INTO repository_sync (repository, pulls_seen_at) VALUES ($1, $2)
         ON CONFLICT (repository) DO UPDATE SET pulls_seen_at = GREATEST(repository_sync.pulls_seen_at, EXCLUDED.pulls_seen_at)`,
        [full, seenUpTo],
      );
  });
  return rows.length;
}

/**
 * The open pull requests with evidence that changed since the last sync, from the list of pull
 * requests by update. With no last sync, every open one, and the list's newest update to start from.
 */
async function changedPullRequests(
  db: Database,
  api: GitHubClient,
  owner: string,
  repo: string,
  open: readonly number[],
): Promise<{ ask: number[]; seenUpTo: string | undefined }> {
  const full = `${owner}/${repo}`;
  const [seen] = await db.query<{ at: Date | null }>(
    "SELECT pulls_seen_at AS at FROM repository_sync WHERE repository = $1",
    [full],
  );
  const since = seen?.at ? seen.at.getTime() : undefined;
  const updated = await api.listUntil<PullSummary>(
    "GET /repos/{owner}/{repo}/pulls",
    { owner, repo, state: "all", sort: "updated", direction: "desc" },
    // The first sync reads one page, for the newest update to start from.
    (pr, index) => (since === undefined ? index >= 1 : Date.parse(pr.updated_at) < since),
  );
  const seenUpTo = updated[0]?.updated_at;
  if (since === undefined) return { ask: [...open], seenUpTo };
  const changed = await db.query<{ number: number }>(
    // Of the listed ones: those with evidence, not merged, newer than the timeline the store holds.
    `SELECT DISTINCT e.pr_number AS number
     FROM evidence e
     JOIN json_to_recordset($2::json) AS c (number integer, updated_at timestamptz) ON c.number = e.pr_number
     LEFT JOIN pull_request p ON p.repository = e.repository AND p.number = e.pr_number
     WHERE e.repository = $1 AND p.merged_at IS NULL
       AND (p.updated_at IS NULL OR c.updated_at > p.updated_at)`,
    [full, JSON.stringify(updated.map((p) => ({ number: p.number, updated_at: p.updated_at })))],
  );
  return { ask: changed.map((r) => r.number), seenUpTo };
}

/** Up to 50 pull requests' timelines in one GraphQL query (aliases pr<number>). */
async function timelines(
  api: GitHubClient,
  owner: string,
  repo: string,
  numbers: readonly number[],
): Promise<PullRequestRow[]> {
  const fields = numbers
    .map(
      (n) => `pr${n}: pullRequest(number: ${n}) { number createdAt updatedAt mergedAt closedAt
      timelineItems(first: 100, itemTypes: [READY_FOR_REVIEW_EVENT, REVIEW_REQUESTED_EVENT, PULL_REQUEST_REVIEW]) {
        nodes { __typename ... on ReadyForReviewEvent { createdAt } ... on ReviewRequestedEvent { createdAt }
                ... on PullRequestReview { state submittedAt } } } }`,
    )
    .join("\n");
  const data = await api.graphql<{ repository: Record<string, PullTimeline | null> }>(
    `query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { ${fields} } }`,
    { owner, name: repo },
  );
  return Object.values(data.repository ?? {}).flatMap((pr) =>
    pr ? [timelineRow(`${owner}/${repo}`, pr)] : [],
  );
}

function timelineRow(repository: string, pr: PullTimeline): PullRequestRow {
  const first = (type: string, pick: (n: TimelineNode) => string | null | undefined) =>
    pr.timelineItems.nodes
      .filter((n) => n.__typename === type)
      .map(pick)
      .filter((t): t is string => typeof t === "string")
      .sort()[0] ?? null;
  return {
    repository,
    number: pr.number,
    openedAt: pr.createdAt,
    readyAt: first("ReadyForReviewEvent", (n) => n.createdAt),
    reviewRequestedAt: first("ReviewRequestedEvent", (n) => n.createdAt),
    securityApprovedAt: first("PullRequestReview", (n) => (n.state === "APPROVED" ? n.submittedAt : null)),
    mergedAt: pr.mergedAt,
    closedAt: pr.closedAt,
    updatedAt: pr.updatedAt,
  };
}
