// What the gate reads from GitHub's REST responses, checked field by field. A response of the
// wrong shape (an HTML error page, a proxy's JSON, a changed API) is an error, never "no data":
// the gate cannot clear a change on data it does not understand.

/** A response the gate cannot read; the client turns it into an ApiError. */
export class MalformedResponse extends Error {
  override readonly name = "MalformedResponse";
}

interface Actor {
  login: string;
  id?: number;
  /** "User", "Bot" or "Organization". */
  type?: string;
}

export interface Review {
  user: string;
  userId?: number;
  userType?: string;
  /** APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED or PENDING. */
  state: string;
  commitId?: string;
  submittedAt?: string;
  authorAssociation?: string;
}

export interface RepositoryPermission {
  /** admin, write, read or none; maintain reads as write and triage as read, as GitHub maps them. */
  permission: string;
  /** The role itself: admin, maintain, write, triage, read or a custom role's name. */
  roleName?: string;
}

export interface IssueEvent {
  /** labeled, unlabeled, head_ref_force_pushed, … */
  event: string;
  actor?: Actor;
  createdAt?: string;
  label?: string;
}

export interface PullRequest {
  number: number;
  state: string;
  headSha: string;
  baseRef: string;
  author?: string;
}

export interface Commit {
  sha: string;
  /** GitHub accounts matched to the commit's author and committer e-mail, when there are any. */
  authorLogin?: string;
  committerLogin?: string;
  /** The git committer date: set by whoever made the commit, so only a lower bound of the push. */
  committedAt?: string;
}

export interface CheckSuite {
  id: number;
  /** When GitHub created the suite: when the commit reached GitHub, in GitHub's clock. */
  createdAt: string;
  app?: string;
}

type Json = Record<string, unknown>;

export function listOf<T>(value: unknown, what: string, item: (raw: unknown) => T): T[] {
  if (!Array.isArray(value)) throw new MalformedResponse(`expected a list of ${what}, got ${kind(value)}`);
  return value.map(item);
}

export function reviewOf(raw: unknown): Review {
  const r = record(raw, "a review");
  const user = actorOf(r.user, "the review's user");
  return defined({
    // A deleted account reads as null; GitHub shows it as "ghost", and it can approve nothing.
    user: user?.login ?? "ghost",
    userId: user?.id,
    userType: user?.type,
    state: text(r, "state", "a review").toUpperCase(),
    commitId: optionalText(r, "commit_id", "a review"),
    submittedAt: optionalText(r, "submitted_at", "a review"),
    authorAssociation: optionalText(r, "author_association", "a review"),
  });
}

export function permissionOf(raw: unknown): RepositoryPermission {
  const r = record(raw, "a repository permission");
  return defined({
    permission: text(r, "permission", "a repository permission"),
    roleName: optionalText(r, "role_name", "a repository permission"),
  });
}

export function issueEventOf(raw: unknown): IssueEvent {
  const r = record(raw, "an issue event");
  const label = r.label === undefined || r.label === null ? undefined : record(r.label, "an event's label");
  return defined({
    event: text(r, "event", "an issue event"),
    actor: actorOf(r.actor, "the event's actor"),
    createdAt: optionalText(r, "created_at", "an issue event"),
    label: label ? text(label, "name", "an event's label") : undefined,
  });
}

export function pullRequestOf(raw: unknown): PullRequest {
  const r = record(raw, "a pull request");
  const number = r.number;
  if (typeof number !== "number") throw new MalformedResponse(`a pull request has no number`);
  return defined({
    number,
    state: text(r, "state", "a pull request"),
    headSha: text(record(r.head, "a pull request's head"), "sha", "a pull request's head"),
    baseRef: text(record(r.base, "a pull request's base"), "ref", "a pull request's base"),
    author: actorOf(r.user, "the pull request's user")?.login,
  });
}

export function commitOf(raw: unknown): Commit {
  const r = record(raw, "a commit");
  const git = record(r.commit, "a commit's git data");
  const committer = git.committer === null ? undefined : record(git.committer, "a commit's committer");
  return defined({
    sha: text(r, "sha", "a commit"),
    authorLogin: actorOf(r.author, "the commit's author account")?.login,
    committerLogin: actorOf(r.committer, "the commit's committer account")?.login,
    committedAt: committer ? optionalText(committer, "date", "a commit's committer") : undefined,
  });
}

export function checkSuiteOf(raw: unknown): CheckSuite {
  const r = record(raw, "a check suite");
  const app = r.app === undefined || r.app === null ? undefined : record(r.app, "a check suite's app");
  if (typeof r.id !== "number") throw new MalformedResponse("a check suite has no id");
  return defined({
    id: r.id,
    createdAt: timestamp(r, "created_at", "a check suite"),
    app: app ? optionalText(app, "slug", "a check suite's app") : undefined,
  });
}

/** A timestamp field that must be there and parse. */
function timestamp(r: Json, key: string, what: string): string {
  const value = text(r, key, what);
  if (Number.isNaN(Date.parse(value))) throw new MalformedResponse(`${what} has an unreadable ${key}`);
  return value;
}

function actorOf(value: unknown, what: string): Actor | undefined {
  if (value === null || value === undefined) return undefined;
  const r = record(value, what);
  return defined({
    login: text(r, "login", what),
    id: typeof r.id === "number" ? r.id : undefined,
    type: optionalText(r, "type", what),
  });
}

function record(value: unknown, what: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new MalformedResponse(`expected ${what}, got ${kind(value)}`);
  return value as Json;
}

function text(r: Json, key: string, what: string): string {
  const value = r[key];
  if (typeof value !== "string" || value === "")
    throw new MalformedResponse(`${what} has no ${key} (got ${kind(value)})`);
  return value;
}

function optionalText(r: Json, key: string, what: string): string | undefined {
  const value = r[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new MalformedResponse(`${what} has a ${key} that is ${kind(value)}`);
  return value;
}

function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return value.trimStart().startsWith("<") ? "an HTML page" : "text";
  return typeof value === "object" ? "an object" : typeof value;
}

/** Leaves unset fields out, so records read (and compare) cleanly. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
