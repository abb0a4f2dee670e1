// Every number of the report is one of these queries, run as they are on PGlite or PostgreSQL.
// They read the views of schema.ts as the last sync stored them (report_flow, report_reason,
// report_escalation, report_latest) and the evidence tables; $1 is the report's "now".
import { WEEK } from "./schema.ts";

/** `scope` and `name` columns of a GROUPING SETS query over organisation, team, repository, week. */
const SCOPE = `CASE WHEN GROUPING(team) = 0 THEN 'team' WHEN GROUPING(repository) = 0 THEN 'repository'
  WHEN GROUPING(week) = 0 THEN 'week' ELSE 'organisation' END AS scope,
  COALESCE(team, repository, week, 'all') AS name`;
// GROUPING(team, repository, week) is a bit mask of the columns left out: 7 organisation, 3 team, 5 repository, 6 week.
const SCOPE_ORDER =
  "ORDER BY CASE GROUPING(team, repository, week) WHEN 7 THEN 0 WHEN 3 THEN 1 WHEN 5 THEN 2 ELSE 3 END, name";
const SCOPES = "GROUP BY GROUPING SETS ((), (team), (repository), (week))";
/**
 * The week of `time` counted from the report's first week (span.first_day, a Monday), 0 for the
 * first and negative before it: days apart, divided by 7 rounding down (the offset keeps the
 * division on positive numbers, where integer division rounds down).
 */
const WEEK_INDEX = (time: string) => `((${time})::date - s.first_day + 7000000) / 7 - 1000000`;
/** The stages the cumulative flow shows, in its columns' order ("closed" is counted in none). */
const STAGES = ["scanning", "passed", "waiting_for_review", "in_review", "approved", "merged"];
const ROUND = (expr: string) => `round((${expr})::numeric, 1)::float8`;

/**
 * What the report's queries read (temporary views and a table, $1 the report's "now"): the views
 * of schema.ts as the sync that changed the records stored them (refreshSnapshots), not computed
 * per report: report_flow (pr_flow), report_reason (pr_reason), report_escalation (pr_escalation);
 * and report_latest, each repository's latest gate run up to "now".
 */
export const REPORT_SETUP: string[] = [
  "DROP VIEW IF EXISTS report_flow, report_reason, report_escalation",
  "DROP TABLE IF EXISTS report_latest",
  "CREATE TEMPORARY VIEW report_flow AS SELECT * FROM pr_flow_snapshot",
  "CREATE TEMPORARY VIEW report_reason AS SELECT * FROM pr_reason_snapshot",
  "CREATE TEMPORARY VIEW report_escalation AS SELECT * FROM pr_escalation_snapshot",
  `CREATE TEMPORARY TABLE report_latest (key integer, repository text, team text, gate_version text,
    workflow_ref text, finished_at timestamptz)`,
  // A repository's latest run as stored, unless it came after "now" (a report of the past):
  // then the latest before it, one index probe (evidence_latest).
  `INSERT INTO report_latest
    SELECT key, repository, team, gate_version, workflow_ref, finished_at FROM latest_run_snapshot WHERE finished_at <= $1
    UNION ALL
    SELECT e.key, e.repository, e.team, e.gate_version, e.workflow_ref, e.finished_at
    FROM latest_run_snapshot l CROSS JOIN LATERAL (
      SELECT * FROM evidence WHERE repository = l.repository AND finished_at <= $1 ORDER BY finished_at DESC, id LIMIT 1
    ) e
    WHERE l.finished_at > $1`,
];
export const REPORT_TEARDOWN =
  "DROP VIEW IF EXISTS report_flow, report_reason, report_escalation; DROP TABLE IF EXISTS report_latest";

export interface Query {
  name: string;
  title: string;
  sql: string;
}

export const QUERIES: Query[] = [
  {
    name: "summary",
    title: "The organisation at a glance",
    // Counted as of $1, as the tables below count: a report of a past date leaves out what came after it.
    sql: `SELECT count(*) FILTER (WHERE opened_at <= $1)::int AS pull_requests,
        count(*) FILTER (WHERE merged_at <= $1)::int AS merged,
        ${ROUND("100.0 * count(*) FILTER (WHERE merged_at <= $1 AND NOT needed_review) / NULLIF(count(*) FILTER (WHERE merged_at <= $1), 0)")} AS no_touch_percent,
        count(*) FILTER (WHERE review_at <= $1)::int AS sent_to_review,
        count(*) FILTER (WHERE review_at <= $1 AND (approved_at IS NULL OR approved_at > $1)
          AND (merged_at IS NULL OR merged_at > $1) AND (closed_unmerged_at IS NULL OR closed_unmerged_at > $1))::int AS in_security_review_now,
        ${ROUND("percentile_cont(0.5) WITHIN GROUP (ORDER BY review_wait_hours) FILTER (WHERE approved_at <= $1)")} AS review_wait_p50_hours,
        ${ROUND("percentile_cont(0.85) WITHIN GROUP (ORDER BY review_wait_hours) FILTER (WHERE approved_at <= $1)")} AS review_wait_p85_hours,
        ${ROUND("percentile_cont(0.95) WITHIN GROUP (ORDER BY review_wait_hours) FILTER (WHERE approved_at <= $1)")} AS review_wait_p95_hours,
        count(*) FILTER (WHERE merged_source = 'inferred' AND merged_at <= $1)::int AS merged_inferred
      FROM report_flow`,
  },
  {
    name: "no_touch",
    title: "No-touch share: merged pull requests that needed no human security step (goal ≥ 90 %)",
    sql: `SELECT ${SCOPE}, count(*)::int AS merged,
        count(*) FILTER (WHERE NOT needed_review)::int AS no_touch,
        ${ROUND("100.0 * count(*) FILTER (WHERE NOT needed_review) / NULLIF(count(*), 0)")} AS no_touch_percent
      FROM (SELECT *, merged_week AS week FROM report_flow WHERE merged_at IS NOT NULL AND merged_at <= $1) m
      ${SCOPES} ${SCOPE_ORDER}`,
  },
  {
    name: "review_wait",
    title: "Security review wait, from the first review decision to the approval (hours)",
    sql: `SELECT ${SCOPE}, count(*)::int AS reviews,
        ${ROUND("percentile_cont(0.5) WITHIN GROUP (ORDER BY review_wait_hours)")} AS p50_hours,
        ${ROUND("percentile_cont(0.85) WITHIN GROUP (ORDER BY review_wait_hours)")} AS p85_hours,
        ${ROUND("percentile_cont(0.95) WITHIN GROUP (ORDER BY review_wait_hours)")} AS p95_hours
      FROM (SELECT *, review_week AS week FROM report_flow WHERE approved_at IS NOT NULL AND approved_at <= $1) r
      ${SCOPES} ${SCOPE_ORDER}`,
  },
  {
    name: "flow",
    title: "Cumulative flow: pull requests in each stage at the end of each week",
    // Counted without pairing every week with every pull request: each pull request reaches each
    // stage in some week (0: the first) and stays until a later stage begins, so a stage's count
    // at the end of a week is the sum of what entered it minus what left it up to that week.
    // Pull requests that move alike are counted together (n) before the weeks are summed.
    sql: `WITH span AS (
        SELECT first, first::date AS first_day, (date_trunc('week', $1::timestamptz)::date - first::date) / 7 AS last_k
        FROM (SELECT date_trunc('week', min(opened_at)) AS first FROM report_flow) b WHERE first IS NOT NULL
      ), marks AS (
        -- A time falls before the end of week k exactly when k is at least its week.
        SELECT f.team, s.last_k, ${WEEK_INDEX("f.opened_at")} AS opened, ${WEEK_INDEX("f.merged_at")} AS merged,
          ${WEEK_INDEX("f.closed_unmerged_at")} AS closed, ${WEEK_INDEX("f.approved_at")} AS approved,
          ${WEEK_INDEX("f.in_review_at")} AS in_review, ${WEEK_INDEX("f.review_at")} AS review,
          ${WEEK_INDEX("f.first_decision_at")} AS decided
        FROM report_flow f CROSS JOIN span s
      ), reached AS (
        -- From which week each stage, or a later one, holds: a pull request is in the latest that holds.
        SELECT team, last_k, opened, merged AS r_merged, LEAST(merged, closed) AS r_closed,
          LEAST(merged, closed, approved) AS r_approved, LEAST(merged, closed, approved, in_review) AS r_in_review,
          LEAST(merged, closed, approved, in_review, review) AS r_waiting,
          LEAST(merged, closed, approved, in_review, review, decided) AS r_passed, count(*)::int AS n
        FROM marks WHERE opened <= last_k
        GROUP BY team, last_k, opened, r_merged, r_closed, r_approved, r_in_review, r_waiting, r_passed
      ), spells AS (
        SELECT r.team, r.last_k, r.n, x.stage, GREATEST(r.opened, x.since) AS from_k,
          LEAST(COALESCE(x.until, r.last_k + 1), r.last_k + 1) AS to_k
        FROM reached r CROSS JOIN LATERAL (VALUES ('scanning', r.opened, r.r_passed),
          ('passed', r.r_passed, r.r_waiting), ('waiting_for_review', r.r_waiting, r.r_in_review),
          ('in_review', r.r_in_review, r.r_approved), ('approved', r.r_approved, r.r_closed),
          ('closed', r.r_closed, r.r_merged), ('merged', r.r_merged, NULL::int)) AS x (stage, since, until)
        WHERE x.since IS NOT NULL
      ), changes AS (
        SELECT team, stage, from_k AS k, n AS d FROM spells WHERE from_k < to_k
        UNION ALL SELECT team, stage, to_k, -n FROM spells WHERE from_k < to_k AND to_k <= last_k
      ), per_week AS (
        SELECT GROUPING(team) = 1 AS whole, COALESCE(team, '') AS team, k,
          ${STAGES.map((stage) => `sum(d) FILTER (WHERE stage = '${stage}') AS ${stage}`).join(", ")}
        FROM changes GROUP BY GROUPING SETS ((k), (team, k))
      ), grid AS (
        SELECT g.whole, g.team, w.k
        FROM (SELECT false AS whole, team, min(opened) AS first FROM reached GROUP BY team
              UNION ALL SELECT true, '', min(opened) FROM reached) g
          CROSS JOIN span s CROSS JOIN LATERAL generate_series(g.first, s.last_k) AS w (k)
      ), counted AS (
        SELECT g.whole, g.team, g.k,
          ${STAGES.map((stage) => `(sum(COALESCE(p.${stage}, 0)) OVER running)::int AS ${stage}`).join(", ")}
        FROM grid g LEFT JOIN per_week p ON p.whole = g.whole AND p.team = g.team AND p.k = g.k
        WINDOW running AS (PARTITION BY g.whole, g.team ORDER BY g.k)
      )
      SELECT ${WEEK("s.first + c.k * interval '7 days'")} AS week, CASE WHEN c.whole THEN 'all' ELSE c.team END AS team,
        ${STAGES.join(", ")}, waiting_for_review + in_review AS wip_security_review
      FROM counted c CROSS JOIN span s
      ORDER BY c.whole DESC, c.team, c.k`,
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
    sql: `SELECT COALESCE(team, 'all') AS team, rule, verdict,
        count(DISTINCT repository || '#' || pr_number)::int AS pull_requests
      FROM report_reason WHERE verdict IN ('review', 'fail') AND first_at <= $1
      GROUP BY GROUPING SETS ((rule, verdict), (team, rule, verdict))
      ORDER BY GROUPING(team) DESC, team, pull_requests DESC, rule, verdict`,
  },
  {
    name: "escalations",
    title: "Privilege escalations by policy source (IAM, Kubernetes, workflow, enrolment, CODEOWNERS)",
    sql: `SELECT COALESCE(team, 'all') AS team, source, severity,
        count(DISTINCT repository || '#' || pr_number)::int AS pull_requests
      FROM report_escalation WHERE first_at <= $1
      GROUP BY GROUPING SETS ((source, severity), (team, source, severity))
      ORDER BY GROUPING(team) DESC, team, pull_requests DESC, source, severity`,
  },
  {
    name: "new_findings",
    title: "New findings that asked for review or failed, by category, tool and severity",
    sql: `SELECT COALESCE(team, 'all') AS team, category, COALESCE(tool, 'unknown') AS tool, severity,
        count(DISTINCT repository || '#' || pr_number)::int AS pull_requests
      FROM report_reason WHERE rule = 'gate/new-finding' AND first_at <= $1
      GROUP BY GROUPING SETS ((category, tool, severity), (team, category, tool, severity))
      ORDER BY GROUPING(team) DESC, team, pull_requests DESC, category, tool, severity`,
  },
  {
    name: "waiver_debt",
    title: "Waiver debt: the waivers of each repository's latest configuration",
    sql: `WITH latest AS (
        SELECT key, repository, team FROM report_latest WHERE $1::timestamptz IS NOT NULL
      ), waivers AS (
        SELECT l.team, l.repository, w.waiver, w.expires,
          EXISTS (SELECT 1 FROM evidence_waiver w2 JOIN evidence e2 ON e2.key = w2.evidence_key
                  WHERE e2.repository = l.repository AND w2.waiver = w.waiver AND w2.expired_referenced) AS referenced
        FROM latest l JOIN evidence_waiver w ON w.evidence_key = l.key
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
        SELECT repository, team, gate_version, workflow_ref, finished_at FROM report_latest WHERE $1::timestamptz IS NOT NULL
      ), newest AS (
        SELECT max(string_to_array(gate_version, '.')::int[]) AS v FROM latest WHERE gate_version ~ '^[0-9]+[.][0-9]+[.][0-9]+$'
      )
      SELECT l.repository, l.team, COALESCE(l.gate_version, 'unknown') AS change_gate_version,
        CASE WHEN l.gate_version ~ '^[0-9]+[.][0-9]+[.][0-9]+$' THEN string_to_array(l.gate_version, '.')::int[] < n.v END AS behind_newest,
        COALESCE(l.workflow_ref, '') AS workflow, to_char(l.finished_at, 'YYYY-MM-DD') AS last_run
      FROM latest l CROSS JOIN newest n ORDER BY l.team, l.repository`,
  },
];
