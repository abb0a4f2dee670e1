import type { GitHubApi, IssueEvent } from "./github-api.ts";

export interface HeadPush {
  /** The latest moment the head commit can have reached the pull request, as far as GitHub shows. */
  at: string;
  /** What `at` rests on, for the evidence. */
  basis: string;
}

/**
 * When the head commit was pushed. The REST API has no push time for a fast-forward push, so
 * this is the latest of: the head commit's committer date (git data, which the pusher sets, so
 * only a lower bound), the creation of the first check suite GitHub made for the head commit
 * (GitHub creates suites when a commit is pushed, in its own clock), and the last force push on
 * the pull request (an issue event). Without a check suite there is no time GitHub vouches for,
 * and the result is undefined: a label then cannot be shown to postdate the push.
 */
export async function headPushTime(
  api: GitHubApi,
  headSha: string,
  events: readonly IssueEvent[],
): Promise<HeadPush | undefined> {
  const [commit, suites] = await Promise.all([api.commit(headSha), api.checkSuites(headSha)]);
  const firstSuite = suites.map((s) => s.createdAt).sort(byTime)[0];
  if (!firstSuite) return undefined;
  // GitHub's own clock first, so that it names the basis when a committer date ties with it.
  const candidates: [string | undefined, string][] = [
    [firstSuite, "the first check suite GitHub created for the head commit"],
    [
      events.filter((e) => e.event === "head_ref_force_pushed" && e.createdAt).at(-1)?.createdAt,
      "the last force push",
    ],
    [commit.committedAt, "the head commit's committer date"],
  ];
  const known = candidates.filter(
    (c): c is [string, string] => c[0] !== undefined && !Number.isNaN(Date.parse(c[0])),
  );
  const [at, basis] = known.sort((a, b) => byTime(b[0], a[0]))[0] as [string, string];
  return { at, basis };
}

function byTime(a: string, b: string): number {
  return Date.parse(a) - Date.parse(b);
}
