/**
 * The store's schema, in the PostgreSQL dialect that PGlite and a PostgreSQL server share.
 * Idempotent: every run applies it. Times are timestamptz in UTC.
 */
export const SCHEMA = `
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

-- Why a gate run asked for review or failed: one row per reason.
CREATE TABLE IF NOT EXISTS evidence_reason (
  evidence_id text NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
  ord integer NOT NULL,
  rule text NOT NULL,
  verdict text NOT NULL,
  -- For gate/new-finding: the finding's severity and category (sast, sca).
  severity text,
  category text,
  PRIMARY KEY (evidence_id, ord)
);

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
`;

/**
 * One row per pull request with evidence: when it reached each stage of the security review
 * flow. A pull request with no timeline in the store counts as merged when its last gate
 * decision was pass (merged_source = 'inferred'), so a folder of evidence alone still reports.
 */
export const FLOW_VIEW = `
CREATE OR REPLACE VIEW pr_flow AS
WITH runs AS (
  SELECT e.*, row_number() OVER (PARTITION BY e.repository, e.pr_number ORDER BY e.finished_at DESC, e.id) AS recency
  FROM evidence e
  WHERE e.pr_number IS NOT NULL
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
    count(*)::int AS gate_runs
  FROM runs
  GROUP BY repository, pr_number
),
-- The first review submitted after the review decision: the pull request is in review.
after_review AS (
  SELECT r.repository, r.pr_number, min(r.first_review_submitted_at) AS first_review_after
  FROM runs r JOIN per_pr f ON f.repository = r.repository AND f.pr_number = r.pr_number
  WHERE r.first_review_submitted_at >= f.review_at
  GROUP BY r.repository, r.pr_number
),
staged AS (
  SELECT f.*, p.opened_at AS pr_opened_at, p.merged_at AS pr_merged_at, p.closed_at AS pr_closed_at,
    p.repository IS NOT NULL AS has_timeline,
    CASE WHEN f.review_at IS NULL THEN NULL
         ELSE LEAST(f.cleared_at, CASE WHEN p.security_approved_at >= f.review_at THEN p.security_approved_at END)
    END AS approved_at,
    a.first_review_after
  FROM per_pr f
  LEFT JOIN pull_request p ON p.repository = f.repository AND p.number = f.pr_number
  LEFT JOIN after_review a ON a.repository = f.repository AND a.pr_number = f.pr_number
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
