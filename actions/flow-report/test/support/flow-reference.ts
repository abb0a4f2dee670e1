// The cumulative flow as first written: every week paired with every pull request opened by its
// end, each given the stage it was in. Slow at scale (weeks × pull requests), but plain to read:
// the report's faster query (queries.ts, "flow") must give exactly its rows.
const WEEK = (column: string) => `to_char(date_trunc('week', ${column}), 'IYYY-"W"IW')`;

export const FLOW_REFERENCE_SQL = `WITH bounds AS (
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
      ORDER BY GROUPING(team) DESC, team, week_start`;
