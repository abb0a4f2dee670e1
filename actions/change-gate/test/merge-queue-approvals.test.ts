import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { change, policyDiff } from "./support/policy-diff.ts";
import { restPullRequest, review } from "./support/rest.ts";
import { type History, type Scenario, scenario, standardHistory, TOKEN } from "./support/scenario.ts";
import { mergeGroupEvent } from "./support/webhooks.ts";

// A merge queue runs the gate on merge_group. The real payload's head_ref is
// refs/heads/gh-readonly-queue/main/pr-104-<sha>: the gate reads pull request #104 from the API
// and applies the same review rules to it, bound to that pull request's own head commit.

const QUEUED = 104;
const CONFIG = `version: 1
gate:
  expected: []
  approvers: { users: [sec-alice], teams: [acme/security] }
`;

let s: Scenario;
let h: History;
let group: string;
let diff: string;

beforeAll(async () => {
  s = await scenario();
  h = await standardHistory(s.repo, CONFIG);
  // The queue's branch, as GitHub builds it: the base with the pull request merged.
  await s.repo.git("checkout", "-q", "-b", "queue", h.base);
  await s.repo.git("merge", "-q", "--no-ff", "-m", `Merge pull request #${QUEUED}`, h.head);
  group = (await s.repo.git("rev-parse", "HEAD")).trim();
  await s.repo.git("checkout", "-q", "main");
  diff = await s.file("queue-escalation.json", policyDiff(h.base, group, [change()]));
});
afterAll(() => s.cleanup());
beforeEach(() => {
  s.api.reset();
  s.api.state.pulls[QUEUED] = restPullRequest({
    number: QUEUED,
    author: "octo-dev",
    head: h.head,
    base: h.base,
  });
});

async function queue() {
  return s.gate(
    { "policy-diff": diff, token: TOKEN },
    await mergeGroupEvent(s.tmp, { base: h.base, head: group }),
  );
}

describe("approvals carried into a merge queue", () => {
  it("clears a queued escalation with the approval of the pull request's head", async () => {
    s.api.state.reviews = [review("sec-alice", "APPROVED", h.head, "2026-01-01T10:00:00Z")];
    const { outcome, evidence } = await queue();
    expect(outcome.decision).toBe("pass");
    expect(evidence.ruleDecision).toBe("review");
    expect(evidence.clearedBy).toBe(`an approval of pull request #${QUEUED}'s head commit by sec-alice`);
    expect(evidence.approvals.pullRequest).toEqual({
      number: QUEUED,
      headSha: h.head,
      source: "merge-queue",
    });
    expect(evidence.pullRequest).toMatchObject({ event: "merge_group", headSha: group });
    const urls = s.api.requests.map((r) => r.url);
    expect(urls).toContain(`/repos/octo-org/octo-repo/pulls/${QUEUED}`);
    expect(urls).toContain(`/repos/octo-org/octo-repo/pulls/${QUEUED}/reviews`);
  });

  it("stays in review without one, or with an approval of an older commit of the pull request", async () => {
    expect((await queue()).outcome.decision).toBe("review");

    s.api.state.reviews = [review("sec-alice", "APPROVED", h.older, "2026-01-01T10:00:00Z")];
    const older = await queue();
    expect(older.outcome.decision).toBe("review");
    expect(older.evidence.approvals.reviews[0].why).toBe(
      `approves commit ${h.older}, not the head ${h.head}`,
    );
  });

  it("applies the same rules: not the author's own approval, and a change request blocks", async () => {
    s.api.state.pulls[QUEUED] = restPullRequest({
      number: QUEUED,
      author: "sec-alice",
      head: h.head,
      base: h.base,
    });
    s.api.state.reviews = [review("sec-alice", "APPROVED", h.head, "2026-01-01T10:00:00Z")];
    expect((await queue()).outcome.decision).toBe("review");

    s.api.state.pulls[QUEUED] = restPullRequest({
      number: QUEUED,
      author: "octo-dev",
      head: h.head,
      base: h.base,
    });
    s.api.state.reviews.push(review("bob", "CHANGES_REQUESTED", h.head, "2026-01-01T11:00:00Z"));
    const blocked = await queue();
    expect(blocked.outcome.decision).toBe("review");
    expect(blocked.evidence.approvals.changesRequestedBy).toEqual(["bob"]);
  });

  it("does not carry approvals of a pull request into another base's queue", async () => {
    s.api.state.pulls[QUEUED] = restPullRequest({
      number: QUEUED,
      author: "octo-dev",
      head: h.head,
      base: h.base,
      baseRef: "release",
    });
    s.api.state.reviews = [review("sec-alice", "APPROVED", h.head, "2026-01-01T10:00:00Z")];
    const { outcome, evidence } = await queue();
    expect(outcome.decision).toBe("review");
    expect(evidence.approvals.note).toBe(
      `pull request #${QUEUED} targets release, not the merge group's base main`,
    );
  });
});
