import { redact } from "@secflow/kit";

export interface Review {
  user: string;
  /** APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED or PENDING. */
  state: string;
  commitId?: string;
  submittedAt?: string;
  authorAssociation?: string;
}

export interface LabelEvent {
  label: string;
  actor: string;
  createdAt?: string;
}

interface IssueComment {
  id: number;
  body: string;
  userType?: string;
}

/** The few GitHub REST calls the gate makes; every failure is an ApiError with the token masked. */
export interface GitHubApi {
  reviews(pullNumber: number): Promise<Review[]>;
  /** Whether the user is an active member of org/team; a 404 means no. */
  isTeamMember(org: string, teamSlug: string, user: string): Promise<boolean>;
  labelEvents(pullNumber: number): Promise<LabelEvent[]>;
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
}

/** A client over @actions/github's Octokit, loaded only when the gate needs the API. */
async function gitHubApi(options: GitHubApiOptions): Promise<GitHubApi> {
  const { getOctokit } = await import("@actions/github");
  const octokit = getOctokit(options.token, { baseUrl: options.baseUrl.replace(/\/+$/, "") });
  const { owner, repo } = options;
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw new ApiError(redact(`GitHub API ${what} failed: ${describe(error)}`, [options.token]));
    }
  };
  return {
    reviews: (pull_number) =>
      call(`GET /repos/${owner}/${repo}/pulls/${pull_number}/reviews`, async () => {
        const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, {
          owner,
          repo,
          pull_number,
          per_page: 100,
        });
        return reviews.map((r) => ({
          user: r.user?.login ?? "",
          state: r.state.toUpperCase(),
          ...(r.commit_id ? { commitId: r.commit_id } : {}),
          ...(r.submitted_at ? { submittedAt: r.submitted_at } : {}),
          authorAssociation: r.author_association,
        }));
      }),
    isTeamMember: (org, team_slug, username) =>
      call(`GET /orgs/${org}/teams/${team_slug}/memberships/${username}`, async () => {
        try {
          const { data } = await octokit.rest.teams.getMembershipForUserInOrg({ org, team_slug, username });
          return data.state === "active";
        } catch (error) {
          if ((error as { status?: number }).status === 404) return false;
          throw error;
        }
      }),
    labelEvents: (issue_number) =>
      call(`GET /repos/${owner}/${repo}/issues/${issue_number}/events`, async () => {
        const events = await octokit.paginate(octokit.rest.issues.listEvents, {
          owner,
          repo,
          issue_number,
          per_page: 100,
        });
        return events.flatMap((e) => {
          const label = (e as { label?: { name?: string } }).label?.name;
          return e.event === "labeled" && label && e.actor?.login
            ? [{ label, actor: e.actor.login, ...(e.created_at ? { createdAt: e.created_at } : {}) }]
            : [];
        });
      }),
    comments: (issue_number) =>
      call(`GET /repos/${owner}/${repo}/issues/${issue_number}/comments`, async () => {
        const comments = await octokit.paginate(octokit.rest.issues.listComments, {
          owner,
          repo,
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
        await octokit.rest.issues.createComment({ owner, repo, issue_number, body });
      }),
    updateComment: (comment_id, body) =>
      call(`PATCH /repos/${owner}/${repo}/issues/comments/${comment_id}`, async () => {
        await octokit.rest.issues.updateComment({ owner, repo, comment_id, body });
      }),
  };
}

function describe(error: unknown): string {
  const status = (error as { status?: number }).status;
  const message = error instanceof Error ? error.message : String(error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message;
  return `${status ? `HTTP ${status}: ` : ""}${message}${detail ? ` (${detail})` : ""}`;
}

/** The same client, created on first use: most runs of the gate never call the API. */
export function lazyGitHubApi(options: GitHubApiOptions): GitHubApi {
  let client: Promise<GitHubApi> | undefined;
  const get = () => (client ??= gitHubApi(options));
  return {
    reviews: async (n) => (await get()).reviews(n),
    isTeamMember: async (org, team, user) => (await get()).isTeamMember(org, team, user),
    labelEvents: async (n) => (await get()).labelEvents(n),
    comments: async (n) => (await get()).comments(n),
    createComment: async (n, body) => (await get()).createComment(n, body),
    updateComment: async (id, body) => (await get()).updateComment(id, body),
  };
}
