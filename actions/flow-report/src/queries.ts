// Every number of the report is one of these queries, run as they are on PGlite or PostgreSQL.
// They read report_flow (the pr_flow view of schema.ts, computed once per report into a temporary
// table) and the evidence tables; $1 is the report's "now".

/** `scope` and `name` columns of a GROUPING SETS query over organisation, team, repository, week. */
const SCOPE = `CASE WHEN GROUPING(team) = 0 THEN 'team' WHEN GROUPING(repository) = 0 THEN 'repository'
  WHEN GROUPING(week) = 0 THEN 'week' ELSE 'organisation' END AS scope,
  COALESCE(team, repository, week, 'all') AS name`;
// GROUPING(team, repository, week) is a bit mask of the columns left out: 7 organisation, 3 team, 5 repository, 6 week.
const SCOPE_ORDER =
  "ORDER BY CASE GROUPING(team, repository, week) WHEN 7 THEN 0 WHEN 3 THEN 1 WHEN 5 THEN 2 ELSE 3 END, name";
const SCOPES = "GROUP BY GROUPING SETS ((), (team), (repository), (week))";
const WEEK = (column: string) => `to_char(date_trunc('week', ${column}), 'IYYY-"W"IW')`;
const ROUND = (expr: string) => `round((${expr})::numeric, 1)::float8`;

export interface Query {
  name: string;
  title: string;
  sql: string;
}

export const QUERIES: Query[] = [
  {
    name: "summary",
    title: "The organisation at a glance",
    sql: `SELECT count(*)::int AS pull_requests,
        count(*) FILTER (WHERE merged_at IS NOT NULL)::int AS merged,
        ${ROUND("100.0 * count(*) FILTER (WHERE merged_at IS NOT NULL AND NOT needed_review) / NULLIF(count(*) FILTER (WHERE merged_at IS NOT NULL), 0)")} AS no_touch_percent,
        count(*) FILTER (WHERE needed_review)::int AS sent_to_review,
        count(*) FILTER (WHERE review_at <= $1 AND (approved_at IS NULL OR approved_at > $1)
          AND (merged_at IS NULL OR merged_at > $1) AND closed_unmerged_at IS NULL)::int AS in_security_review_now,
        ${ROUND("percentile_cont(0.5) WITHIN GROUP (ORDER BY review_wait_hours)")} AS review_wait_p50_hours,
        ${ROUND("percentile_cont(0.85) WITHIN GROUP (ORDER BY review_wait_hours)")} AS review_wait_p85_hours,
        ${ROUND("percentile_cont(0.95) WITHIN GROUP (ORDER BY review_wait_hours)")} AS review_wait_p95_hours,
        count(*) FILTER (WHERE merged_source = 'inferred' AND merged_at IS NOT NULL)::int AS merged_inferred
      FROM report_flow WHERE $1::timestamptz IS NOT NULL`,
  },
  {
    name: "no_touch",
    title: "No-touch share: merged pull requests that needed no human security step (goal ≥ 90 %)",
    sql: `SELECT ${SCOPE}, count(*)::int AS merged,
        count(*) FILTER (WHERE NOT needed_review)::int AS no_touch,
        ${ROUND("100.0 * count(*) FILTER (WHERE NOT needed_review) / count(*)")} AS no_touch_percent
      FROM (SELECT *, ${WEEK("merged_at")} AS week FROM report_flow WHERE merged_at IS NOT NULL AND merged_at <= $1) m
      ${SCOPES} ${SCOPE_ORDER}`,
  },
  {
    name: "review_wait",
    title: "Security review wait, from the first review decision to the approval (hours)",
    sql: `SELECT ${SCOPE}, count(*)::int AS reviews,
        ${ROUND("percentile_cont(0.5) WITHIN GROUP (ORDER BY review_wait_hours)")} AS p50_hours,
        ${ROUND("percentile_cont(0.85) WITHIN GROUP (ORDER BY review_wait_hours)")} AS p85_hours,
        ${ROUND("percentile_cont(0.95) WITHIN GROUP (ORDER BY review_wait_hours)")} AS p95_hours
      FROM (SELECT *, ${WEEK("review_at")} AS week FROM report_flow WHERE approved_at IS NOT NULL AND approved_at <= $1) r
      ${SCOPES} ${SCOPE_ORDER}`,
  },
  {
    name: "flow",
    title: "Cumulative flow: pull requests in each stage at the end of each week",
    sql: `WITH bounds AS (
        SELECT date_trunc('week', min(opened_at)) AS first, date_trunc('week', $1::timestamptz) AS last FROM report_flow
      ), weeks AS (
        SELECT generate_series(first, last, interval '1 week') AS week_start FROM bounds WHERE first IS NOT NULL
      ), staged AS (
        SELECT w.week_start, f.team,
          CASE WHEN f.merged_at < w.week_start + interval '7 days' THEN 'merged'
               WHEN f.closed_unmerged_at < w.week_start + interval '7 days' THEN 'closed'
               WHEN f.approved_at < w.week_start + interval '7 days' THEN 'approved'
               WHEN f.in_review_at < w.week_start + interval '7 days' THEN 'in_review'
               WHEN f.review_at < w.week_start + interval '7 days' THEN 'waiting_for_review'
               WHEN f.first_decision_at < w.week_start + interval '7 days' THEN 'passed'
               ELSE 'scanning' END AS stage
        FROM weeks w JOIN report_flow f ON f.opened_at < w.week_start + interval '7 days'
      )
      SELECT ${WEEK("week_start")} AS week, COALESCE(team, 'all') AS team,
        count(*) FILTER (WHERE stage = 'scanning')::int AS scanning,
        count(*) FILTER (WHERE stage = 'passed')::int AS passed,
        count(*) FILTER (WHERE stage = 'waiting_for_review')::int AS waiting_for_review,
        count(*) FILTER (WHERE stage = 'in_review')::int AS in_review,
        count(*) FILTER (WHERE stage = 'approved')::int AS approved,
        count(*) FILTER (WHERE stage = 'merged')::int AS merged,
        count(*) FILTER (WHERE stage IN ('waiting_for_review', 'in_review'))::int AS wip_security_review
      FROM staged
      GROUP BY GROUPING SETS ((week_start), (week_start, team))
      ORDER BY GROUPING(team) DESC, team, week_start`,
  },
  {
    name: "batch_size",
    title: "Batch size: changed lines per pull request, and the review wait by size",
    sql: `SELECT bucket AS changed_lines, count(*)::int AS pull_requests,
        count(*) FILTER (WHERE needed_review)::int AS sent_to_review,
        ${ROUND("100.0 * count(*) FILTER (WHERE needed_review) / count(*)")} AS review_percent,
        ${ROUND("percentile_cont(0.5) WITHIN GROUP (ORDER BY review_wait_hours)")} AS review_wait_p50_hours
      FROM (SELECT *, CASE WHEN changed_lines IS NULL THEN 6 WHEN changed_lines <= 10 THEN 1
          WHEN changed_lines <= 50 THEN 2 WHEN changed_lines <= 200 THEN 3 WHEN changed_lines <= 1000 THEN 4 ELSE 5 END AS ord
        FROM report_flow WHERE opened_at <= $1) f
      JOIN (VALUES (1, '1–10'), (2, '11–50'), (3, '51–200'), (4, '201–1000'), (5, 'over 1000'), (6, 'unknown'))
        AS b (ord, bucket) USING (ord)
      GROUP BY ord, bucket ORDER BY ord`,
  },
  {
    name: "wait_vs_batch",
    title: "Review wait against batch size, one row per reviewed pull request",
    sql: `SELECT repository, pr_number, team, changed_lines, ${ROUND("review_wait_hours")} AS wait_hours
      FROM report_flow WHERE approved_at IS NOT NULL AND approved_at <= $1 AND changed_lines IS NOT NULL
      ORDER BY changed_lines, repository, pr_number LIMIT 5000`,
  },
  {
    name: "review_causes",
    title: "What sent changes to review (or failed them): pull requests per gate rule",
    sql: `SELECT COALESCE(e.team, 'all') AS team, r.rule, r.verdict,
        count(DISTINCT e.repository || '#' || e.pr_number)::int AS pull_requests
      FROM evidence_reason r JOIN evidence e ON e.id = r.evidence_id
      WHERE r.verdict IN ('review', 'fail') AND e.pr_number IS NOT NULL AND e.finished_at <= $1
      GROUP BY GROUPING SETS ((r.rule, r.verdict), (e.team, r.rule, r.verdict))
      ORDER BY GROUPING(e.team) DESC, team, pull_requests DESC, r.rule, r.verdict`,
  },
  {
    name: "escalations",
    title: "Privilege escalations by policy source (IAM, Kubernetes, workflow, enrolment, CODEOWNERS)",
    sql: `SELECT COALESCE(e.team, 'all') AS team, x.source, x.severity,
        count(DISTINCT e.repository || '#' || e.pr_number)::int AS pull_requests
      FROM evidence_escalation x JOIN evidence e ON e.id = x.evidence_id
      WHERE e.pr_number IS NOT NULL AND e.finished_at <= $1
      GROUP BY GROUPING SETS ((x.source, x.severity), (e.team, x.source, x.severity))
      ORDER BY GROUPING(e.team) DESC, team, pull_requests DESC, x.source, x.severity`,
  },
  {
    name: "new_findings",
    title: "New findings that asked for review or failed, by category and severity",
    sql: `SELECT COALESCE(e.team, 'all') AS team, r.category, r.severity,
        count(DISTINCT e.repository || '#' || e.pr_number)::int AS pull_requests
      FROM evidence_reason r JOIN evidence e ON e.id = r.evidence_id
      WHERE r.rule = 'gate/new-finding' AND e.pr_number IS NOT NULL AND e.finished_at <= $1
      GROUP BY GROUPING SETS ((r.category, r.severity), (e.team, r.category, r.severity))
      ORDER BY GROUPING(e.team) DESC, team, pull_requests DESC, r.category, r.severity`,
  },
  {
    name: "waiver_debt",
    title: "Waiver debt: the waivers of each repository's latest configuration",
    sql: `WITH latest AS (
        SELECT DISTINCT ON (repository) id, repository, team FROM evidence
        WHERE finished_at <= $1 ORDER BY repository, finished_at DESC, id
      ), waivers AS (
        SELECT l.team, l.repository, w.waiver, w.expires,
          EXISTS (SELECT 1 FROM evidence_waiver w2 JOIN evidence e2 ON e2.id = w2.evidence_id
                  WHERE e2.repository = l.repository AND w2.waiver = w.waiver AND w2.expired_referenced) AS referenced
        FROM latest l JOIN evidence_waiver w ON w.evidence_id = l.id
      )
      SELECT COALESCE(team, 'all') AS team,
        count(*) FILTER (WHERE expires >= $1::date)::int AS active,
        count(*) FILTER (WHERE expires >= $1::date AND expires < $1::date + 14)::int AS expiring_within_14_days,
        count(*) FILTER (WHERE expires < $1::date)::int AS expired,
        count(*) FILTER (WHERE expires < $1::date AND referenced)::int AS expired_still_referenced
      FROM waivers GROUP BY GROUPING SETS ((), (team)) ORDER BY GROUPING(team) DESC, team`,
  },
  {
    name: "adoption",
    title: "Adoption: the change gate's version in each repository (its latest run)",
    sql: `WITH latest AS (
        SELECT DISTINCT ON (repository) repository, team, gate_version, workflow_ref, finished_at FROM evidence
        WHERE finished_at <= $1 ORDER BY repository, finished_at DESC, id
      ), newest AS (
        SELECT max(string_to_array(gate_version, '.')::int[]) AS v FROM latest WHERE gate_version ~ '^[0-9]+[.][0-9]+[.][0-9]+$'
      )
      SELECT l.repository, l.team, COALESCE(l.gate_version, 'unknown') AS change_gate_version,
        CASE WHEN l.gate_version ~ '^[0-9]+[.][0-9]+[.][0-9]+$' THEN string_to_array(l.gate_version, '.')::int[] < n.v END AS behind_newest,
        COALESCE(l.workflow_ref, '') AS workflow, to_char(l.finished_at, 'YYYY-MM-DD') AS last_run
      FROM latest l CROSS JOIN newest n ORDER BY l.team, l.repository`,
  },
];
