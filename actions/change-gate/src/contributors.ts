import type { Commit, GitHubApi } from "./github-api.ts";

/** People whose approval is their own work's approval, unless gate.approval.allow-contributors. */
export interface Contributors {
  /**
   * Who pushed the head commit, as the REST API tells it: the account of the head commit's
   * committer, or of its author when GitHub committed it (web-flow: a change made in the web
   * interface). Unset when the committer is no GitHub account.
   */
  lastPusher?: string;
  /** Accounts of the authors and committers of the pull request's commits. */
  commitAuthors: string[];
  /** Why the list may miss someone; then no approval can be shown to be independent. */
  incomplete?: string;
}

// GitHub's own committer for commits made in the web interface or by a merge it performs.
const GITHUB_COMMITTERS = new Set(["web-flow", "github"]);
// GET /pulls/{n}/commits lists at most this many.
const COMMIT_LIST_LIMIT = 250;

export async function contributorsOf(
  api: GitHubApi,
  pullNumber: number,
  headSha: string,
): Promise<Contributors> {
  const [head, commits] = await Promise.all([api.commit(headSha), api.pullCommits(pullNumber)]);
  const accounts = new Set<string>();
  for (const commit of [...commits, head]) {
    for (const login of [commit.authorLogin, commit.committerLogin]) {
      if (login && !GITHUB_COMMITTERS.has(login.toLowerCase())) accounts.add(login);
    }
  }
  const lastPusher = pusherOf(head);
  const incomplete = !lastPusher
    ? `the head commit's committer is not a GitHub account, so who pushed it is unknown`
    : commits.length >= COMMIT_LIST_LIMIT
      ? `GitHub lists only the first ${COMMIT_LIST_LIMIT} commits of a pull request, so their authors are not all known`
      : undefined;
  return {
    ...(lastPusher ? { lastPusher } : {}),
    commitAuthors: [...accounts],
    ...(incomplete ? { incomplete } : {}),
  };
}

function pusherOf(head: Commit): string | undefined {
  const committer = head.committerLogin;
  if (committer && !GITHUB_COMMITTERS.has(committer.toLowerCase())) return committer;
  return committer ? head.authorLogin : undefined;
}
