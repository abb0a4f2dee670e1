import type { PullRequestContext } from "@secflow/kit";
import { type Contributors, contributorsOf } from "./contributors.ts";
import type { GatePolicy } from "./gate-policy.ts";
import { ApiError, type GitHubApi, type Review } from "./github-api.ts";
import { queuedPullRequest } from "./merge-queue.ts";
import { type Access, repositoryAccess } from "./permissions.ts";
import type { Problem } from "./reasons.ts";
import { isBot, notStanding, standingReviews } from "./reviews.ts";
import { sameCommit } from "./revisions.ts";

export interface ReviewRecord extends Review {
  counted: boolean;
  why: string;
  /** The reviewer's role on the repository, when it was looked up. */
  permission?: string;
}

export interface ApprovalOutcome {
  approved: boolean;
  approvedBy: string[];
  /** Approvals needed (gate.approval.count). */
  required: number;
  /** Reviewers with write access whose standing review requests changes: the change waits for them. */
  changesRequestedBy: string[];
  reviews: ReviewRecord[];
  /** The pull request whose reviews were read; in a merge queue, the queued one. */
  pullRequest?: { number: number; headSha: string; source: "event" | "merge-queue" };
  contributors?: Contributors;
  /** The reviews could not be read: the gate fails closed. */
  problem?: Problem;
  /** Why approvals were not looked at, or why they do not clear the change. */
  note?: string;
}

export interface ApprovalFacts {
  number?: number;
  author?: string;
  headSha: string;
  eventName?: string;
  /** In a merge queue, the queue branch, which names the pull request. */
  headRef?: string;
  baseRef?: string;
}

/** What checkApprovals needs from the change the gate judges. */
export function approvalFacts(context: PullRequestContext | undefined): ApprovalFacts {
  return {
    headSha: context?.headSha ?? "",
    ...(context?.number !== undefined ? { number: context.number } : {}),
    ...(context?.author ? { author: context.author } : {}),
    ...(context?.eventName ? { eventName: context.eventName } : {}),
    ...(context?.headRef ? { headRef: context.headRef } : {}),
    ...(context?.baseRef ? { baseRef: context.baseRef } : {}),
  };
}

interface Target {
  number: number;
  headSha: string;
  author?: string;
  source: "event" | "merge-queue";
}

/**
 * Whether enough eligible reviewers approved the head commit, with GitHub's semantics: each
 * reviewer's latest approval or change request stands (a comment changes nothing); a standing
 * change request from someone with write access blocks; an approval counts when it is of the
 * head commit, by someone with write access (and on the approver list, when there is one), who is
 * not a bot, not the author and did not push or author the change (unless gate.approval allows).
 */
export async function checkApprovals(
  api: GitHubApi | undefined,
  facts: ApprovalFacts,
  policy: GatePolicy,
): Promise<ApprovalOutcome> {
  const required = policy.approval.count;
  const none = { approved: false, approvedBy: [], required, changesRequestedBy: [], reviews: [] };
  if (!api) return { ...none, note: "no token was given, so approvals were not checked" };
  try {
    const target = await targetOf(api, facts);
    if (typeof target === "string") return { ...none, note: target };
    const records: ReviewRecord[] = (await api.reviews(target.number)).map((r) => ({
      ...r,
      counted: false,
      why: "",
    }));
    const standing = standingReviews(records);
    const judge = new Judge(api, target, policy);
    for (const record of records) {
      const why = notStanding(record, standing);
      if (why) record.why = why;
      else await judge.review(record);
    }
    const approvedBy = records.filter((r) => r.counted).map((r) => r.user);
    const changesRequestedBy = judge.blockers;
    return {
      approved: approvedBy.length >= required && changesRequestedBy.length === 0,
      approvedBy,
      required,
      changesRequestedBy,
      reviews: records,
      pullRequest: { number: target.number, headSha: target.headSha, source: target.source },
      ...(judge.contributors ? { contributors: judge.contributors } : {}),
      ...noteOf(approvedBy.length, required, changesRequestedBy, records),
    };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { ...none, problem: { rule: "gate/api-error", message: error.message } };
  }
}

/** The pull request whose reviews decide, or why there is none. */
async function targetOf(api: GitHubApi, facts: ApprovalFacts): Promise<Target | string> {
  if (facts.number !== undefined) {
    return {
      number: facts.number,
      headSha: facts.headSha,
      ...(facts.author ? { author: facts.author } : {}),
      source: "event",
    };
  }
  const queued = facts.eventName === "merge_group" ? queuedPullRequest(facts.headRef) : undefined;
  if (queued === undefined) {
    return facts.eventName === "merge_group"
      ? `the merge group's branch ${facts.headRef ?? "(none)"} names no pull request, so there are no reviews to check`
      : "not a pull-request event, so there are no reviews to check";
  }
  // The queue holds the pull request as it was approved: its reviews are bound to its own head.
  const pull = await api.pullRequest(queued);
  if (pull.state !== "open") return `pull request #${queued} of the merge group is ${pull.state}`;
  if (facts.baseRef && pull.baseRef !== facts.baseRef) {
    return `pull request #${queued} targets ${pull.baseRef}, not the merge group's base ${facts.baseRef}`;
  }
  return {
    number: queued,
    headSha: pull.headSha,
    ...(pull.author ? { author: pull.author } : {}),
    source: "merge-queue",
  };
}

/** Judges each standing review; asks the API only what a decision needs, once per person. */
class Judge {
  readonly blockers: string[] = [];
  contributors?: Contributors;

  constructor(
    private readonly api: GitHubApi,
    private readonly target: Target,
    private readonly policy: GatePolicy,
  ) {}

  async review(record: ReviewRecord): Promise<void> {
    if (record.state === "DISMISSED") {
      record.why = "dismissed";
      return;
    }
    if (record.state === "CHANGES_REQUESTED") {
      const access = await this.access(record);
      if (access.canWrite) {
        this.blockers.push(record.user);
        record.why = `requests changes with ${access.role} access: the change waits until the review is dismissed or replaced by an approval`;
      } else {
        record.why = `requests changes, but has ${access.role} access, so it does not block`;
      }
      return;
    }
    record.why = (await this.approval(record)) ?? record.why;
  }

  /** Why an approval does not count; undefined when it counts (and record.why says as what). */
  private async approval(record: ReviewRecord): Promise<string | undefined> {
    const policy = this.policy;
    const target = this.target;
    const user = record.user.toLowerCase();
    if (
      isBot(record.user, record.userType) &&
      !policy.approvers.users.some((u) => u.toLowerCase() === user)
    ) {
      return "a bot's approval counts only when gate.approvers names it";
    }
    if (!policy.approval.allowAuthor && target.author?.toLowerCase() === user) {
      return "the author cannot approve their own change (gate.approval.allow-author)";
    }
    if (policy.requireApprovalOfHead && !(record.commitId && sameCommit(record.commitId, target.headSha))) {
      return `approves commit ${record.commitId ?? "(unknown)"}, not the head ${target.headSha}`;
    }
    if (!policy.approval.allowContributors) {
      const contributors = (this.contributors ??= await contributorsOf(
        this.api,
        target.number,
        target.headSha,
      ));
      if (contributors.lastPusher?.toLowerCase() === user)
        return "pushed the head commit, so cannot approve it (gate.approval.allow-contributors)";
      if (contributors.commitAuthors.some((login) => login.toLowerCase() === user))
        return "authored or committed commits of the pull request (gate.approval.allow-contributors)";
      if (contributors.incomplete)
        return `not counted: ${contributors.incomplete} (gate.approval.allow-contributors)`;
    }
    const access = await this.access(record);
    if (!access.canWrite)
      return `has ${access.role} access to the repository; an approver needs write, maintain or admin`;
    const as = await this.approverAs(record.user);
    if (!as) return `not an approver (${approverList(policy)})`;
    record.counted = true;
    record.why = `approved the head commit as ${as}, with ${access.role} access`;
    return undefined;
  }

  private async access(record: ReviewRecord): Promise<Access> {
    const access = await repositoryAccess(this.api, record.user);
    record.permission = access.role;
    return access;
  }

  private async approverAs(user: string): Promise<string | undefined> {
    const { users, teams, source } = this.policy.approvers;
    if (source === "repository-access") return "a person with write access";
    if (users.some((u) => u.toLowerCase() === user.toLowerCase())) return "a listed approver";
    for (const team of teams) {
      const [org = "", slug = ""] = team.split("/");
      if (await this.api.isTeamMember(org, slug, user)) return `a member of ${team}`;
    }
    return undefined;
  }
}

function noteOf(
  approvals: number,
  required: number,
  blockers: readonly string[],
  records: readonly ReviewRecord[],
): { note?: string } {
  if (blockers.length) {
    const who = blockers
      .map((b) => `${b} (${records.find((r) => r.user === b)?.permission ?? "write"})`)
      .join(", ");
    return {
      note: `changes requested by ${who}: the change waits until that review is dismissed or replaced by an approval`,
    };
  }
  if (approvals > 0 && approvals < required)
    return {
      note: `${approvals} of the ${required} approvals the gate policy requires (gate.approval.count)`,
    };
  return {};
}

/** Who may approve, for messages. */
function approverList(policy: GatePolicy): string {
  const { users, teams, source } = policy.approvers;
  if (source === "repository-access") return "anyone with write access: no approvers are configured";
  return [...users, ...teams].join(", ");
}
