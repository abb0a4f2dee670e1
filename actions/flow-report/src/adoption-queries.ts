// The adoption tables of the report: which secflow actions each repository's workflow files run
// (action_use, from src/adoption-*.ts), directly or through the reusable workflows and local
// composite actions they call (workflow_call), against the latest release of each (action_release).
// Like every query of the report, $1 is its "now"; a repository's team is the one its latest
// evidence names (report_latest; none when it has no evidence yet).
import { WORKFLOW_LIMITS } from "./adoption-store.ts";
import type { Query } from "./queries.ts";

const TEAM_OF = "team_of AS (SELECT repository, team FROM report_latest WHERE $1::timestamptz IS NOT NULL)";

// A use is behind when the latest release is newer than every version its ref can mean: v2
// follows 2.x.y, v2.1 follows 2.1.y, 2.1.0 is exactly that (a pre-release of it is behind it).
const STATUS = `CASE WHEN u.major IS NULL THEN 'unknown version'
    WHEN r.action IS NULL THEN 'no release known'
    WHEN (r.major, r.minor, r.patch) > (u.major, COALESCE(u.minor, r.minor), COALESCE(u.patch, r.patch))
      OR (u.version LIKE '%-%' AND (r.major, r.minor, r.patch) = (u.major, u.minor, u.patch)) THEN 'behind'
    ELSE 'current' END`;

// GitHub's bounds on calls: ten levels of workflows (the caller and nine reusable workflows; four
// on GitHub Enterprise Server) and ten nested composite actions. Deeper calls are not followed
// (GitHub would not run them), and are listed in workflow_calls_not_followed.
const MAX_WORKFLOW_CALLS = 9;
const MAX_COMPOSITE_DEPTH = WORKFLOW_LIMITS.maxCompositeDepth;

// How a call is written in the via column: owner/repo/path@ref, or ./path in the same repository.
const CALL_TEXT = `CASE WHEN c.called_ref IS NULL THEN './' || c.called_path
    ELSE c.called_repository || '/' || c.called_path || '@' || c.called_ref END`;

// Each call with the file it names when the store has one: a reusable workflow's path, or a
// composite's action.yml, else action.yaml, else the problem row of its folder. GitHub's names are
// case-insensitive (the index workflow_file_called). synced: the store has the called repository.
const EDGE = `SELECT c.repository, c.workflow, c.line, c.kind, c.called_repository, ${CALL_TEXT} AS calls,
    f.repository AS file_repository, f.path AS file_path, f.problem,
    lower(f.repository) || '/' || f.path AS file_key,
    f.path IS NOT NULL OR EXISTS (
      SELECT 1 FROM workflow_file s WHERE lower(s.repository) = lower(c.called_repository)) AS synced
  FROM workflow_call c
  LEFT JOIN LATERAL (
    SELECT t.repository, t.path, t.problem FROM workflow_file t
    WHERE lower(t.repository) = lower(c.called_repository)
      AND t.kind = CASE WHEN c.kind = 'workflow' THEN 'workflow' ELSE 'action' END
      AND t.path = ANY (CASE WHEN c.kind = 'workflow' THEN ARRAY[c.called_path]
        ELSE ARRAY[c.called_path || '/action.yml', c.called_path || '/action.yaml', c.called_path] END)
    ORDER BY t.problem IS NULL DESC, t.path LIMIT 1
  ) f ON true`;

// Every file each workflow runs: itself, and the reusable workflows and local composite actions
// it calls, followed through the store at report time (a re-sync of the called repository changes
// every caller). A workflow triggered only by workflow_call runs for its callers, not on its own.
// via: the chain of calls from the workflow to the file, NULL for the workflow itself; trail: the
// files on the way, so that a cycle ends.
const REACH = `WITH RECURSIVE followed AS MATERIALIZED (
  SELECT DISTINCT repository, workflow, kind, calls, file_repository, file_path, file_key
  FROM report_edge WHERE file_path IS NOT NULL AND problem IS NULL
),
reach AS (
  SELECT f.repository AS root, f.path AS root_workflow, f.repository, f.path,
    0 AS workflow_calls, 0 AS composites, ARRAY[lower(f.repository) || '/' || f.path] AS trail, NULL::text AS via
  FROM workflow_file f
  WHERE f.kind = 'workflow' AND f.problem IS NULL AND NOT f.called_only
  UNION ALL
  SELECT w.root, w.root_workflow, e.file_repository, e.file_path,
    w.workflow_calls + (e.kind = 'workflow')::int, w.composites + (e.kind = 'composite')::int,
    w.trail || e.file_key, COALESCE(w.via || ' → ', '') || e.calls
  FROM reach w
  JOIN followed e ON e.repository = w.repository AND e.workflow = w.path
  WHERE NOT e.file_key = ANY(w.trail)
    AND w.workflow_calls + (e.kind = 'workflow')::int <= ${MAX_WORKFLOW_CALLS}
    AND w.composites + (e.kind = 'composite')::int <= ${MAX_COMPOSITE_DEPTH}
)
SELECT * FROM reach`;

/**
 * The calls followed once per report, for the three tables that read them (temporary tables, like
 * the report's report_latest): report_edge, each call with the file it names; report_reach, every
 * file each workflow runs.
 */
export const ADOPTION_SETUP: string[] = [
  "DROP TABLE IF EXISTS report_edge, report_reach",
  `CREATE TEMPORARY TABLE report_edge AS ${EDGE}`,
  `CREATE TEMPORARY TABLE report_reach AS ${REACH}`,
];
export const ADOPTION_TEARDOWN = "DROP TABLE IF EXISTS report_edge, report_reach";

// One row per secflow action a workflow runs, directly or through a call.
const USES = `uses AS (
  SELECT w.root AS repository, w.root_workflow AS workflow, w.via, u.line, u.action, u.source, u.kind,
    u.ref, u.pinned, u.version, u.major, u.minor, u.patch,
    COALESCE(t.team, 'unknown') AS team, r.version AS latest, ${STATUS} AS status
  FROM report_reach w
  JOIN action_use u ON u.repository = w.repository AND u.workflow = w.path
  LEFT JOIN action_release r ON r.action = u.action
  LEFT JOIN team_of t ON t.repository = w.root
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
          bool_or(via IS NOT NULL) AS via_call,
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
        count(*) FILTER (WHERE local_copy)::int AS local_copies,
        count(*) FILTER (WHERE via_call)::int AS through_calls
      FROM per_repository
      GROUP BY GROUPING SETS ((action), (team, action))
      ORDER BY GROUPING(team) DESC, team, array_position(ARRAY['sast', 'sca', 'policy-diff', 'change-gate', 'flow-report'], action)`,
  },
  {
    name: "workflow_actions",
    title: "Adoption: each secflow action a repository's workflow files run, at which version",
    sql: `WITH ${TEAM_OF}, ${USES}
      SELECT repository, team, workflow, via, line, action, kind, source, ref, pinned,
        COALESCE(version, 'unknown') AS version, latest AS latest_release, status
      FROM uses ORDER BY team, repository, workflow, via NULLS FIRST, line`,
  },
  {
    name: "workflow_problems",
    title:
      "Workflow files that could not be read or parsed, and local composite actions (their secflow actions are not in the adoption tables)",
    sql: `WITH ${TEAM_OF}
      SELECT f.repository, COALESCE(t.team, 'unknown') AS team, f.path AS workflow, f.problem,
        f.read_from, to_char(f.synced_at, 'YYYY-MM-DD') AS read_on
      FROM workflow_file f LEFT JOIN team_of t ON t.repository = f.repository
      WHERE f.problem IS NOT NULL ORDER BY f.repository, f.path`,
  },
  {
    name: "workflow_calls_not_followed",
    title:
      "Calls of reusable workflows and local composite actions that were not followed (what they run is not in the adoption tables)",
    sql: `WITH ${TEAM_OF},
      not_followed AS (
        SELECT e.repository, e.workflow, e.line, e.calls, w.root,
          CASE WHEN NOT e.synced THEN e.called_repository || ' is not in the store: not synced (outside the organisation or the repositories given), or it has no workflows'
            WHEN e.file_path IS NULL THEN e.called_repository || ' has no such file (as last synced: its default branch, or the checkout)'
            WHEN e.problem IS NOT NULL THEN 'the called file could not be read: see workflow_problems'
            WHEN e.file_key = ANY(w.trail) THEN 'it calls a file that is already in its chain of calls (a cycle)'
            WHEN w.workflow_calls + (e.kind = 'workflow')::int > ${MAX_WORKFLOW_CALLS} THEN 'more than ${MAX_WORKFLOW_CALLS + 1} levels of reusable workflows (GitHub runs no deeper)'
            WHEN w.composites + (e.kind = 'composite')::int > ${MAX_COMPOSITE_DEPTH} THEN 'composite actions nested more than ${MAX_COMPOSITE_DEPTH} deep (GitHub runs no deeper)'
          END AS reason
        FROM report_reach w JOIN report_edge e ON e.repository = w.repository AND e.workflow = w.path
      )
      SELECT n.repository, COALESCE(t.team, 'unknown') AS team, n.workflow, n.line, n.calls, n.reason,
        count(DISTINCT n.root)::int AS repositories_affected
      FROM not_followed n LEFT JOIN team_of t ON t.repository = n.repository
      WHERE n.reason IS NOT NULL
      GROUP BY n.repository, t.team, n.workflow, n.line, n.calls, n.reason
      ORDER BY n.repository, n.workflow, n.line`,
  },
];
