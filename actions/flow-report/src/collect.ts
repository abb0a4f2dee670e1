import { unzipSync } from "fflate";
import type { Database } from "./database.ts";
import { BadRecord, classify, type EvidenceRow, type PullRequestRow } from "./evidence-record.ts";
import type { GitHubClient } from "./github-client.ts";
import type { Progress } from "./ingest.ts";
import type { BadFile } from "./read-folder.ts";
import { upsertEvidence, upsertPullRequests } from "./store.ts";

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
}

export interface CollectResult {
  repositories: number;
  artifacts: number;
  evidence: number;
  timelines: number;
  bad: BadFile[];
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
    result.timelines += await syncTimelines(db, api, owner, repo);
    progress(
      `repository ${i + 1} of ${repositories.length}: ${full}, ${fresh.length} new evidence artifacts`,
    );
  }
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

/**
 * The timelines of the repository's pull requests that have evidence and are not closed in the
 * store yet (a closed one does not change), 50 to a GraphQL query.
 */
async function syncTimelines(db: Database, api: GitHubClient, owner: string, repo: string): Promise<number> {
  const full = `${owner}/${repo}`;
  const open = await db.query<{ number: number }>(
    `SELECT DISTINCT e.pr_number AS number FROM evidence e
     LEFT JOIN pull_request p ON p.repository = e.repository AND p.number = e.pr_number
     WHERE e.repository = $1 AND e.pr_number IS NOT NULL AND p.closed_at IS NULL AND p.merged_at IS NULL
     ORDER BY 1`,
    [full],
  );
  const rows: PullRequestRow[] = [];
  for (let i = 0; i < open.length; i += TIMELINES_PER_QUERY) {
    const numbers = open.slice(i, i + TIMELINES_PER_QUERY).map((r) => r.number);
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
    for (const pr of Object.values(data.repository ?? {})) if (pr) rows.push(timelineRow(full, pr));
  }
  await upsertPullRequests(db, rows);
  return rows.length;
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
