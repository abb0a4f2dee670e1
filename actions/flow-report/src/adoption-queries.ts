// The adoption tables of the report: which secflow actions each repository's workflow files run
// (action_use, from src/adoption-*.ts), against the latest release of each (action_release).
// Like every query of the report, $1 is its "now"; a repository's team is the one its latest
// evidence names (report_latest; none when it has no evidence yet).
import type { Query } from "./queries.ts";

const TEAM_OF = "team_of AS (SELECT repository, team FROM report_latest WHERE $1::timestamptz IS NOT NULL)";

// A use is behind when the latest release is newer than every version its ref can mean: v2
// follows 2.x.y, v2.1 follows 2.1.y, 2.1.0 is exactly that (a pre-release of it is behind it).
const STATUS = `CASE WHEN u.major IS NULL THEN 'unknown version'
    WHEN r.action IS NULL THEN 'no release known'
    WHEN (r.major, r.minor, r.patch) > (u.major, COALESCE(u.minor, r.minor), COALESCE(u.patch, r.patch))
      OR (u.version LIKE '%-%' AND (r.major, r.minor, r.patch) = (u.major, u.minor, u.patch)) THEN 'behind'
    ELSE 'current' END`;

const USES = `uses AS (
  SELECT u.*, COALESCE(t.team, 'unknown') AS team, r.version AS latest, ${STATUS} AS status
  FROM action_use u
  LEFT JOIN action_release r ON r.action = u.action
  LEFT JOIN team_of t ON t.repository = u.repository
)`;

export const ADOPTION_QUERIES: Query[] = [
  {
    name: "adoption_by_action",
    title:
      "Adoption by action: repositories whose workflows run it, how many are behind its latest release, and forks",
    sql: `WITH ${TEAM_OF}, ${USES},
      per_repository AS (
        SELECT team, repository, action,
          bool_or(kind = 'upstream') AS upstream,
          bool_or(kind = 'fork') AS fork,
          bool_or(kind = 'local') AS local_copy,
          bool_or(status = 'behind') AS behind,
          bool_or(status = 'unknown version') AND NOT bool_or(status = 'behind') AS unknown_version,
          bool_and(status = 'current') AS current,
          bool_or(pinned) AS pinned,
          max(latest) AS latest
        FROM uses GROUP BY team, repository, action
      )
      SELECT CASE WHEN GROUPING(team) = 0 THEN 'team' ELSE 'organisation' END AS scope,
        COALESCE(team, 'all') AS team, action, max(latest) AS latest_release,
        count(*)::int AS repositories,
        count(*) FILTER (WHERE current)::int AS current,
        count(*) FILTER (WHERE behind)::int AS behind,
        count(*) FILTER (WHERE unknown_version)::int AS unknown_version,
        count(*) FILTER (WHERE pinned)::int AS pinned_by_sha,
        count(*) FILTER (WHERE fork)::int AS forks,
        count(*) FILTER (WHERE local_copy)::int AS local_copies
      FROM per_repository
      GROUP BY GROUPING SETS ((action), (team, action))
      ORDER BY GROUPING(team) DESC, team, array_position(ARRAY['sast', 'sca', 'policy-diff', 'change-gate', 'flow-report'], action)`,
  },
  {
    name: "workflow_actions",
    title: "Adoption: each secflow action a repository's workflow files run, at which version",
    sql: `WITH ${TEAM_OF}, ${USES}
      SELECT repository, team, workflow, line, action, kind, source, ref, pinned,
        COALESCE(version, 'unknown') AS version, latest AS latest_release, status
      FROM uses ORDER BY team, repository, workflow, line`,
  },
  {
    name: "workflow_problems",
    title: "Workflow files that could not be read or parsed (their actions are not in the adoption tables)",
    sql: `WITH ${TEAM_OF}
      SELECT f.repository, COALESCE(t.team, 'unknown') AS team, f.path AS workflow, f.problem,
        f.read_from, to_char(f.synced_at, 'YYYY-MM-DD') AS read_on
      FROM workflow_file f LEFT JOIN team_of t ON t.repository = f.repository
      WHERE f.problem IS NOT NULL ORDER BY f.repository, f.path`,
  },
];
