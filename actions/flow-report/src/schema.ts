/**
 * The store's schema, in the PostgreSQL dialect that PGlite and a PostgreSQL server share.
 * Idempotent: every run applies it. Times are timestamptz in UTC.
 */
export const SCHEMA = `
-- Whether pr_flow_snapshot (pr_flow as a table, written by refreshFlow) lags the stored records.
CREATE TABLE IF NOT EXISTS flow_state (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  stale boolean NOT NULL
);

CREATE TABLE IF NOT EXISTS evidence (
  id text PRIMARY KEY,
  source text NOT NULL,
  evidence_version integer NOT NULL,
  repository text NOT NULL,
  team text NOT NULL,
  pr_number integer,
  decision text NOT NULL,
  rule_decision text NOT NULL,
  cleared_by text,
  approved boolean NOT NULL,
  mode text NOT NULL,
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  head_sha text,
  author text,
  changed_lines integer,
  changed_files integer,
  first_review_submitted_at timestamptz,
  gate_version text,
  workflow_ref text
);
CREATE INDEX IF NOT EXISTS evidence_pr ON evidence (repository, pr_number, finished_at);
-- Each repository's latest gate run (the report's report_latest), without sorting every run.
CREATE INDEX IF NOT EXISTS evidence_latest ON evidence (repository, finished_at DESC, id);

-- Why a gate run asked for review or failed: one row per reason.
CREATE TABLE IF NOT EXISTS evidence_reason (
  evidence_id text NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
  ord integer NOT NULL,
  rule text NOT NULL,
  verdict text NOT NULL,
  -- For gate/new-finding: the finding's severity, category (sast, sca) and tool (from the
  -- gate's record of the finding; unknown in evidence of gates before 2.0.0).
  severity text,
  category text,
  tool text,
  PRIMARY KEY (evidence_id, ord)
);
-- Databases made before the tool was recorded.
ALTER TABLE evidence_reason ADD COLUMN IF NOT EXISTS tool text;

-- Privilege escalations from the policy diff the gate read, by policy source.
CREATE TABLE IF NOT EXISTS evidence_escalation (
  evidence_id text NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
  ord integer NOT NULL,
  source text NOT NULL,
  severity text NOT NULL,
  sensitive boolean NOT NULL,
  PRIMARY KEY (evidence_id, ord)
);

-- The waivers of the base commit's configuration, as each gate run saw them.
CREATE TABLE IF NOT EXISTS evidence_waiver (
  evidence_id text NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
  ord integer NOT NULL,
  waiver text NOT NULL,
  expires date NOT NULL,
  -- Expired, and still matching a finding of this change.
  expired_referenced boolean NOT NULL,
  PRIMARY KEY (evidence_id, ord)
);
-- The few waivers that expired and still match a finding (waiver debt), without reading them all.
CREATE INDEX IF NOT EXISTS evidence_waiver_expired_referenced ON evidence_waiver (evidence_id) WHERE expired_referenced;

-- A pull request's timeline, from the GitHub API (or a pull request file next to the evidence).
CREATE TABLE IF NOT EXISTS pull_request (
  repository text NOT NULL,
  number integer NOT NULL,
  opened_at timestamptz,
  ready_at timestamptz,
  review_requested_at timestamptz,
  security_approved_at timestamptz,
  merged_at timestamptz,
  closed_at timestamptz,
  updated_at timestamptz,
  PRIMARY KEY (repository, number)
);

-- Artifacts already read, so a re-sync downloads only new ones.
CREATE TABLE IF NOT EXISTS artifact (
  repository text NOT NULL,
  id bigint NOT NULL,
  created_at timestamptz,
  PRIMARY KEY (repository, id)
);

-- Conditional requests: the ETag of each GET, and what it answered.
CREATE TABLE IF NOT EXISTS http_cache (
  url text PRIMARY KEY,
  etag text NOT NULL,
  body text NOT NULL,
  fetched_at timestamptz NOT NULL
);

-- Per repository, how far the last sync read: the newest pull request update it saw, so the next
-- asks only about pull requests updated after it.
CREATE TABLE IF NOT EXISTS repository_sync (
  repository text PRIMARY KEY,
  pulls_seen_at timestamptz
);

-- Adoption (src/adoption-*.ts): each repository's workflow files as last read, from the API or a
-- local checkout; problem says why one could not be read or parsed (NULL when it was).
CREATE TABLE IF NOT EXISTS workflow_file (
  repository text NOT NULL,
  path text NOT NULL,
  blob_sha text,
  problem text,
  read_from text NOT NULL,
  synced_at timestamptz NOT NULL,
  PRIMARY KEY (repository, path)
);

-- The secflow actions those files' steps use. major/minor/patch: the version the ref (or the
-- comment of a pinned SHA) names, NULL parts when it names fewer (sast/v2); all NULL: unknown.
CREATE TABLE IF NOT EXISTS action_use (
  repository text NOT NULL,
  workflow text NOT NULL,
  line integer NOT NULL,
  action text NOT NULL,
  source text NOT NULL,
  kind text NOT NULL,
  ref text NOT NULL,
  pinned boolean NOT NULL,
  version text,
  major integer,
  minor integer,
  patch integer,
  PRIMARY KEY (repository, workflow, line)
);

-- The latest release of each action: from the upstream's releases, or the latest-versions input.
CREATE TABLE IF NOT EXISTS action_release (
  action text PRIMARY KEY,
  version text NOT NULL,
  major integer NOT NULL,
  minor integer NOT NULL,
  patch integer NOT NULL,
  source text NOT NULL,
  checked_at timestamptz NOT NULL
);
`;

/**
 * One row per pull request with evidence: when it reached each stage of the security review
 * flow. A pull request with no timeline in the store counts as merged when its last gate
 * decision was pass (merged_source = 'inferred'), so a folder of evidence alone still reports.
 */
export const FLOW_VIEW = `
CREATE OR REPLACE VIEW pr_flow AS
-- One sorted pass over the gate runs: each run knows its recency within its pull request, and
-- when the pull request was first sent to review (the first review after it means "in review").
WITH runs AS (
  SELECT e.repository, e.pr_number, e.team, e.decision, e.rule_decision, e.changed_lines,
    e.started_at, e.finished_at, e.first_review_submitted_at,
    row_number() OVER latest AS recency,
    min(e.finished_at) FILTER (WHERE e.rule_decision = 'review') OVER pr AS pr_review_at
  FROM evidence e
  WHERE e.pr_number IS NOT NULL
  WINDOW pr AS (PARTITION BY e.repository, e.pr_number),
    latest AS (PARTITION BY e.repository, e.pr_number ORDER BY e.finished_at DESC, e.id)
),
per_pr AS (
  SELECT repository, pr_number,
    max(team) FILTER (WHERE recency = 1) AS team,
    max(decision) FILTER (WHERE recency = 1) AS last_decision,
    max(changed_lines) FILTER (WHERE recency = 1) AS changed_lines,
    max(finished_at) AS last_gate_at,
    min(started_at) AS first_gate_at,
    min(finished_at) AS first_decision_at,
    min(finished_at) FILTER (WHERE rule_decision = 'review') AS review_at,
    min(finished_at) FILTER (WHERE rule_decision = 'review' AND decision = 'pass') AS cleared_at,
    bool_or(rule_decision = 'review') AS needed_review,
    count(*)::int AS gate_runs,
    -- The first review submitted after the review decision: the pull request is in review.
    min(first_review_submitted_at) FILTER (WHERE first_review_submitted_at >= pr_review_at) AS first_review_after
  FROM runs
  GROUP BY repository, pr_number
),
staged AS (
  SELECT f.*, p.opened_at AS pr_opened_at, p.merged_at AS pr_merged_at, p.closed_at AS pr_closed_at,
    p.repository IS NOT NULL AS has_timeline,
    CASE WHEN f.review_at IS NULL THEN NULL
         ELSE LEAST(f.cleared_at, CASE WHEN p.security_approved_at >= f.review_at THEN p.security_approved_at END)
    END AS approved_at
  FROM per_pr f
  LEFT JOIN pull_request p ON p.repository = f.repository AND p.number = f.pr_number
)
SELECT repository, pr_number, team, changed_lines, gate_runs, needed_review, last_decision,
  COALESCE(pr_opened_at, first_gate_at) AS opened_at,
  first_decision_at,
  review_at,
  LEAST(first_review_after, approved_at) AS in_review_at,
  approved_at,
  CASE WHEN has_timeline THEN pr_merged_at
       WHEN last_decision = 'pass' THEN last_gate_at END AS merged_at,
  CASE WHEN has_timeline THEN 'timeline' ELSE 'inferred' END AS merged_source,
  CASE WHEN has_timeline AND pr_merged_at IS NULL THEN pr_closed_at END AS closed_unmerged_at,
  EXTRACT(EPOCH FROM (approved_at - review_at)) / 3600.0 AS review_wait_hours
FROM staged;
`;
