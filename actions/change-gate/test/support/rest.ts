// REST API objects as GitHub returns them, made from the real payloads in
// @octokit/webhooks-examples (the webhook and REST shapes of users, pull requests, reviews and
// check suites are the same); tests change only the fields under test.
import { type TempRepo, webhookExample } from "@secflow/kit/testing";

/** A stable, distinct account id per login, as each GitHub account has its own. */
function idOf(login: string): number {
  let id = 7;
  for (const char of login) id = (id * 31 + char.charCodeAt(0)) % 90_000_000;
  return 10_000_000 + id;
}

/** A user (or, for a login ending in [bot], an app's bot account) as the API embeds it. */
export function restUser(login: string, type = /\[bot\]$/.test(login) ? "Bot" : "User") {
  const sender = webhookExample("pull_request", "opened").sender;
  return {
    ...sender,
    login,
    id: idOf(login),
    url: `https://api.github.com/users/${login}`,
    html_url: `https://github.com/${login}`,
    type,
  };
}

/** GET /repos/{o}/{r}/pulls/{n}/reviews item. */
export function review(
  user: string,
  state: string,
  commitId: string,
  submittedAt: string,
  association = "MEMBER",
) {
  const example = webhookExample("pull_request_review", "submitted").review;
  return {
    ...example,
    id: idOf(`${user}${submittedAt}`),
    user: restUser(user),
    state,
    commit_id: commitId,
    submitted_at: submittedAt,
    author_association: association,
  };
}

/** GET /repos/{o}/{r}/collaborators/{user}/permission: maintain reads as write, triage as read. */
export function restPermission(login: string, role: string) {
  const legacy: Record<string, string> = { maintain: "write", triage: "read" };
  return { permission: legacy[role] ?? role, role_name: role, user: { ...restUser(login), role_name: role } };
}

/** GET /repos/{o}/{r}/pulls/{n}: the pull request with its number, author, head and base. */
export function restPullRequest(spec: {
  number: number;
  author: string;
  head: string;
  base: string;
  baseRef?: string;
}) {
  const pr = webhookExample("pull_request", "opened").pull_request;
  return {
    ...pr,
    number: spec.number,
    state: "open",
    user: restUser(spec.author),
    head: { ...pr.head, sha: spec.head },
    base: { ...pr.base, sha: spec.base, ref: spec.baseRef ?? "main" },
  };
}

export interface GitCommitFacts {
  sha: string;
  name: string;
  email: string;
  authoredAt: string;
  committedAt: string;
  parents?: string[];
}

/** The commit as git has it in the test repository. */
export async function gitCommit(repo: TempRepo, sha: string): Promise<GitCommitFacts> {
  const out = await repo.git("show", "-s", "--format=%an%x00%ae%x00%aI%x00%cI%x00%P", sha);
  const [name = "", email = "", authoredAt = "", committedAt = "", parents = ""] = out.trim().split("\0");
  return { sha, name, email, authoredAt, committedAt, parents: parents.split(" ").filter(Boolean) };
}

/**
 * GET /repos/{o}/{r}/commits/{sha} (and an item of GET /pulls/{n}/commits): git's data plus the
 * GitHub accounts matched to the author and committer (null: no account has that e-mail).
 */
export function restCommit(
  git: GitCommitFacts,
  accounts: { author: string | null; committer: string | null },
) {
  const push = webhookExample("push").head_commit;
  const person = (date: string) => ({ name: git.name, email: git.email, date });
  return {
    sha: git.sha,
    node_id: `C_${git.sha.slice(0, 12)}`,
    commit: {
      author: person(git.authoredAt),
      committer: person(git.committedAt),
      message: push.message,
      tree: { sha: push.tree_id },
      comment_count: 0,
    },
    url: `https://api.github.com/repos/Codertocat/Hello-World/commits/${git.sha}`,
    author: accounts.author ? restUser(accounts.author) : null,
    committer: accounts.committer ? restUser(accounts.committer) : null,
    parents: (git.parents ?? []).map((sha) => ({ sha })),
  };
}

/** An item of GET /repos/{o}/{r}/commits/{sha}/check-suites: GitHub made it when the commit was pushed. */
export function checkSuite(headSha: string, createdAt: string) {
  const suite = webhookExample("check_suite").check_suite;
  return {
    ...suite,
    id: idOf(`${headSha}${createdAt}`),
    head_sha: headSha,
    created_at: createdAt,
    updated_at: createdAt,
  };
}

/** A "labeled" issue event, from the real pull_request.labeled example; the actor may be a bot. */
export function labeled(label: string, actor: string, createdAt: string) {
  const example = webhookExample("pull_request", "labeled");
  return {
    id: idOf(`${label}${actor}${createdAt}`),
    event: "labeled",
    actor: restUser(actor),
    label: { ...example.label, name: label },
    created_at: createdAt,
  };
}

/** A "head_ref_force_pushed" issue event. */
export function forcePushed(actor: string, createdAt: string) {
  return {
    id: idOf(`force${createdAt}`),
    event: "head_ref_force_pushed",
    actor: restUser(actor),
    created_at: createdAt,
  };
}
