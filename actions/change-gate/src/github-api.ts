import { redact } from "@secflow/kit";
import {
  ApiDeadline,
  type ApiLimits,
  ApiTimeLimit,
  DEFAULT_API_LIMITS,
  seconds,
  TIMED_OUT,
} from "./api-limits.ts";
import {
  type CheckSuite,
  type Commit,
  checkSuiteOf,
  commitOf,
  type IssueEvent,
  issueEventOf,
  listOf,
  MalformedResponse,
  type PullRequest,
  permissionOf,
  pullRequestOf,
  type RepositoryPermission,
  type Review,
  reviewOf,
} from "./api-shapes.ts";

export type { Commit, IssueEvent, Review } from "./api-shapes.ts";

interface IssueComment {
  id: number;
  body: string;
  userType?: string;
}

/**
 * The GitHub REST calls the gate makes. Every failure is an ApiError with the token masked: an
 * HTTP error, a timeout, the run's API time limit, or a response of the wrong shape.
 */
export interface GitHubApi {
  reviews(pullNumber: number): Promise<Review[]>;
  /** The user's permission on the repository; someone GitHub does not know has none. */
  permission(user: string): Promise<RepositoryPermission>;
  /** Whether the user is an active member of org/team; a 404 means no. */
  isTeamMember(org: string, teamSlug: string, user: string): Promise<boolean>;
  /** The pull request's issue events (labeled, unlabeled, head_ref_force_pushed, …), oldest first. */
  issueEvents(pullNumber: number): Promise<IssueEvent[]>;
  pullRequest(pullNumber: number): Promise<PullRequest>;
  /** The pull request's commits, oldest first; GitHub lists at most 250. */
  pullCommits(pullNumber: number): Promise<Commit[]>;
  commit(sha: string): Promise<Commit>;
  /** The check suites GitHub created for a commit. */
  checkSuites(sha: string): Promise<CheckSuite[]>;
  comments(pullNumber: number): Promise<IssueComment[]>;
  createComment(pullNumber: number, body: string): Promise<void>;
  updateComment(commentId: number, body: string): Promise<void>;
}

export class ApiError extends Error {
  override readonly name = "ApiError";
}

export interface GitHubApiOptions {
  token: string;
  /** GITHUB_API_URL; https://api.github.com by default. */
  baseUrl: string;
  owner: string;
  repo: string;
  /** Per-attempt timeout and the run's total; DEFAULT_API_LIMITS when unset. */
  limits?: ApiLimits;
}

/**
 * A client over @actions/github's Octokit with retries (@octokit/plugin-retry), rate-limit
 * handling (@octokit/plugin-throttling) and the gate's time limits; loaded only when the gate
 * needs the API.
 */
async function gitHubApi(options: GitHubApiOptions): Promise<GitHubApi> {
  const [{ getOctokit }, { retry }, { throttling }] = await Promise.all([
    import("@actions/github"),
    import("@octokit/plugin-retry"),
    import("@octokit/plugin-throttling"),
  ]);
  const deadline = new ApiDeadline(options.limits ?? DEFAULT_API_LIMITS);
  type Plugin = NonNullable<Parameters<typeof getOctokit>[2]>;
  const octokit = getOctokit(
    options.token,
    { baseUrl: options.baseUrl.replace(/\/+$/, ""), throttle: deadline.throttle() } as Parameters<
      typeof getOctokit
    >[1],
    // Innermost first: each retry is an attempt of its own, with its own timeout.
    deadline.attemptTimeout() as unknown as Plugin,
    retry as Plugin,
    throttling as Plugin,
  );
  const { owner, repo } = options;
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await deadline.race(fn());
    } catch (error) {
      throw new ApiError(redact(`GitHub API ${what} failed: ${describe(error)}`, [options.token]));
    }
  };
  const list = <T>(route: string, params: Record<string, unknown>, what: string, item: (raw: unknown) => T) =>
    call(`GET ${expand(route, params)}`, async () => {
      let items: unknown;
      try {
        items = await octokit.paginate(route, { ...params, per_page: 100 });
      } catch (error) {
        // Octokit's pagination trips over a page that is not a JSON list or object.
        if (error instanceof TypeError)
          throw new MalformedResponse(`expected a list of ${what}, got something else`);
        throw error;
      }
      return listOf(items, what, item);
    });
  const get = async <T>(route: string, params: Record<string, unknown>, read: (raw: unknown) => T) =>
    read((await octokit.request(route, params)).data);
  const repoParams = { owner, repo };
  const cache = new Map<string, Promise<unknown>>();
  // Permissions, memberships and commits do not change within a run: ask once.
  const once = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    if (!cache.has(key)) cache.set(key, fn());
    return cache.get(key) as Promise<T>;
  };
  return {
    reviews: (pull_number) =>
      list(
        "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews",
        { ...repoParams, pull_number },
        "reviews",
        reviewOf,
      ),
    permission: (username) =>
      once(`permission:${username.toLowerCase()}`, () =>
        call(`GET /repos/${owner}/${repo}/collaborators/${username}/permission`, async () => {
          try {
            return await get(
              "GET /repos/{owner}/{repo}/collaborators/{username}/permission",
              { ...repoParams, username },
              permissionOf,
            );
          } catch (error) {
            if (status(error) === 404) return { permission: "none" };
            throw error;
          }
        }),
      ),
    isTeamMember: (org, team_slug, username) =>
      once(`team:${org}/${team_slug}:${username.toLowerCase()}`, () =>
        call(`GET /orgs/${org}/teams/${team_slug}/memberships/${username}`, async () => {
          try {
            const { data } = await octokit.request(
              "GET /orgs/{org}/teams/{team_slug}/memberships/{username}",
              {
                org,
                team_slug,
                username,
              },
            );
            return (data as { state?: unknown }).state === "active";
          } catch (error) {
            if (status(error) === 404) return false;
            throw error;
          }
        }),
      ),
    issueEvents: (issue_number) =>
      once(`events:${issue_number}`, () =>
        list(
          "GET /repos/{owner}/{repo}/issues/{issue_number}/events",
          { ...repoParams, issue_number },
          "issue events",
          issueEventOf,
        ),
      ),
    pullRequest: (pull_number) =>
      once(`pull:${pull_number}`, () =>
        call(`GET /repos/${owner}/${repo}/pulls/${pull_number}`, () =>
          get("GET /repos/{owner}/{repo}/pulls/{pull_number}", { ...repoParams, pull_number }, pullRequestOf),
        ),
      ),
    pullCommits: (pull_number) =>
      once(`commits:${pull_number}`, () =>
        list(
          "GET /repos/{owner}/{repo}/pulls/{pull_number}/commits",
          { ...repoParams, pull_number },
          "commits",
          commitOf,
        ),
      ),
    commit: (ref) =>
      once(`commit:${ref}`, () =>
        call(`GET /repos/${owner}/${repo}/commits/${ref}`, () =>
          get("GET /repos/{owner}/{repo}/commits/{ref}", { ...repoParams, ref }, commitOf),
        ),
      ),
    checkSuites: (ref) =>
      once(`suites:${ref}`, () =>
        // The one list GitHub wraps in an object ({ total_count, check_suites }); paginate unwraps it.
        list(
          "GET /repos/{owner}/{repo}/commits/{ref}/check-suites",
          { ...repoParams, ref },
          "check suites",
          checkSuiteOf,
        ),
      ),
    comments: (issue_number) =>
      call(`GET /repos/${owner}/${repo}/issues/${issue_number}/comments`, async () => {
        const comments = await octokit.paginate(octokit.rest.issues.listComments, {
          ...repoParams,
          issue_number,
          per_page: 100,
        });
        return comments.map((c) => ({
          id: c.id,
          body: c.body ?? "",
          ...(c.user?.type ? { userType: c.user.type } : {}),
        }));
      }),
    createComment: (issue_number, body) =>
      call(`POST /repos/${owner}/${repo}/issues/${issue_number}/comments`, async () => {
        await octokit.rest.issues.createComment({ ...repoParams, issue_number, body });
      }),
    updateComment: (comment_id, body) =>
      call(`PATCH /repos/${owner}/${repo}/issues/comments/${comment_id}`, async () => {
        await octokit.rest.issues.updateComment({ ...repoParams, comment_id, body });
      }),
  };
}

function status(error: unknown): number | undefined {
  return (error as { status?: number }).status;
}

/** The route with its parameters filled in, for messages. */
function expand(route: string, params: Record<string, unknown>): string {
  return route.replace(/^GET /, "").replace(/\{(\w+)\}/g, (_, key: string) => String(params[key] ?? key));
}

function describe(error: unknown): string {
  if (error instanceof MalformedResponse) return `the response is malformed: ${error.message}`;
  const timedOut = (error as { [TIMED_OUT]?: number })[TIMED_OUT];
  if (timedOut !== undefined) return `no answer within ${seconds(timedOut)} (api-timeout), after retries`;
  if (!(error instanceof Error)) return String(error);
  if (error instanceof ApiTimeLimit) return `${error.message} (api-time-limit)`;
  const code = status(error);
  const headers = (error as { response?: { headers?: Record<string, string | undefined> } }).response
    ?.headers;
  const rateLimited =
    (code === 403 || code === 429) &&
    (headers?.["x-ratelimit-remaining"] === "0" || headers?.["retry-after"] !== undefined);
  // Octokit reports a network failure as a 500 without a response: say what happened instead.
  const response = (error as { response?: unknown }).response;
  const prefix = code && response ? `HTTP ${code}${rateLimited ? " (rate limited)" : ""}: ` : "";
  const cause = error.cause as { code?: string; message?: string } | undefined;
  const detail = cause?.code ?? cause?.message;
  return `${prefix}${error.message}${detail && detail !== error.message ? ` (${detail})` : ""}`;
}

/** The same client, created on first use: most runs of the gate never call the API. */
export function lazyGitHubApi(options: GitHubApiOptions): GitHubApi {
  let client: Promise<GitHubApi> | undefined;
  const get = () => (client ??= gitHubApi(options));
  return {
    reviews: async (n) => (await get()).reviews(n),
    permission: async (user) => (await get()).permission(user),
    isTeamMember: async (org, team, user) => (await get()).isTeamMember(org, team, user),
    issueEvents: async (n) => (await get()).issueEvents(n),
    pullRequest: async (n) => (await get()).pullRequest(n),
    pullCommits: async (n) => (await get()).pullCommits(n),
    commit: async (sha) => (await get()).commit(sha),
    checkSuites: async (sha) => (await get()).checkSuites(sha),
    comments: async (n) => (await get()).comments(n),
    createComment: async (n, body) => (await get()).createComment(n, body),
    updateComment: async (id, body) => (await get()).updateComment(id, body),
  };
}
