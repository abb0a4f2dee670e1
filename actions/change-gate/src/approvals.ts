import type { GatePolicy } from "./gate-policy.ts";
import { ApiError, type GitHubApi, type Review } from "./github-api.ts";
import type { Problem } from "./reasons.ts";
import { sameCommit } from "./revisions.ts";

export interface ReviewRecord extends Review {
  counted: boolean;
  why: string;
}

export interface ApprovalOutcome {
  approved: boolean;
  approvedBy: string[];
  reviews: ReviewRecord[];
  /** The reviews could not be read: the gate fails closed. */
  problem?: Problem;
  /** Why approvals were not looked at. */
  note?: string;
}

export interface ApprovalFacts {
  number?: number;
  author?: string;
  headSha: string;
}

const DECISIVE = new Set(["APPROVED", "CHANGES_REQUESTED", "DISMISSED"]);
// Used only when the team named no approvers: anyone the repository trusts to write.
const TRUSTED_ASSOCIATIONS = new Set(["OWNER", "MEMBER", "COLLABORATOR"]);

/**
 * Whether an authorized reviewer approved: each reviewer's latest approving, dismissing or
 * change-requesting review counts, it must be on the head commit when the policy says so, and
 * the author never approves their own change.
 */
export async function checkApprovals(
  api: GitHubApi | undefined,
  facts: ApprovalFacts,
  policy: GatePolicy,
): Promise<ApprovalOutcome> {
  if (!api || facts.number === undefined) {
    return {
      approved: false,
      approvedBy: [],
      reviews: [],
      note: api
        ? "not a pull-request event, so there are no reviews to check"
        : "no token was given, so approvals were not checked",
    };
  }
  try {
    const reviews: ReviewRecord[] = (await api.reviews(facts.number)).map((r) => ({
      ...r,
      counted: false,
      why: "",
    }));
    const latest = new Map<string, ReviewRecord>();
    for (const review of reviews) {
      if (DECISIVE.has(review.state)) latest.set(review.user.toLowerCase(), review);
    }
    for (const review of reviews) {
      if (!DECISIVE.has(review.state)) review.why = "a comment, not an approval";
      else if (latest.get(review.user.toLowerCase()) !== review)
        review.why = "superseded by the reviewer's later review";
      else if (review.state !== "APPROVED")
        review.why = review.state === "DISMISSED" ? "dismissed" : "requests changes";
      else await judge(review, api, facts, policy);
    }
    const approvedBy = reviews.filter((r) => r.counted).map((r) => r.user);
    return { approved: approvedBy.length > 0, approvedBy, reviews };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return {
      approved: false,
      approvedBy: [],
      reviews: [],
      problem: { rule: "gate/api-error", message: error.message },
    };
  }
}

async function judge(
  review: ReviewRecord,
  api: GitHubApi,
  facts: ApprovalFacts,
  policy: GatePolicy,
): Promise<void> {
  if (facts.author && review.user.toLowerCase() === facts.author.toLowerCase()) {
    review.why = "the author cannot approve their own change";
    return;
  }
  if (policy.requireApprovalOfHead && !(review.commitId && sameCommit(review.commitId, facts.headSha))) {
    review.why = `approves commit ${review.commitId ?? "(unknown)"}, not the head ${facts.headSha}`;
    return;
  }
  const as = await authorizedAs(review, api, policy);
  if (as) Object.assign(review, { counted: true, why: `approved as ${as}` });
  else review.why = `not an approver (${approverList(policy)})`;
}

async function authorizedAs(
  review: ReviewRecord,
  api: GitHubApi,
  policy: GatePolicy,
): Promise<string | undefined> {
  const { users, teams, source } = policy.approvers;
  if (source === "repository-access") {
    return TRUSTED_ASSOCIATIONS.has(review.authorAssociation ?? "")
      ? `${review.authorAssociation?.toLowerCase()} of the repository`
      : undefined;
  }
  if (users.some((u) => u.toLowerCase() === review.user.toLowerCase())) return "a listed approver";
  for (const team of teams) {
    const [org = "", slug = ""] = team.split("/");
    if (await api.isTeamMember(org, slug, review.user)) return `a member of ${team}`;
  }
  return undefined;
}

/** Who may approve, for messages. */
function approverList(policy: GatePolicy): string {
  const { users, teams, source } = policy.approvers;
  if (source === "repository-access") return "anyone with write access: no approvers are configured";
  return [...users, ...teams].join(", ");
}
