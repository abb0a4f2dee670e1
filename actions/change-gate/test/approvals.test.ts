import { validate } from "@secflow/sarif";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { COMMENT_MARKER } from "../src/sticky-comment.ts";
import { change, policyDiff } from "./support/policy-diff.ts";
import {
  type History,
  ROLLBACK_BODY,
  type Scenario,
  scenario,
  standardHistory,
  TOKEN,
} from "./support/scenario.ts";
import { apiReview, labeledEvent } from "./support/webhooks.ts";

let s: Scenario;
let h: History;
let diffFile: string;

beforeAll(async () => {
  s = await scenario();
  h = await standardHistory(s.repo);
  diffFile = await s.file("escalation.json", policyDiff(h.base, h.head, [change()]));
});
afterAll(() => s.cleanup());
beforeEach(() => s.api.reset());

/** The escalation scenario: a pull request by octo-dev that adds a privilege. */
async function escalation(
  extra: Record<string, string> = {},
  event: Parameters<Scenario["event"]>[0] = { base: h.base, head: h.head },
) {
  return s.gate(
    { "policy-diff": diffFile, token: TOKEN, ...extra },
    await s.event({ author: "octo-dev", body: ROLLBACK_BODY, ...event }),
  );
}

describe("a policy escalation", () => {
  it("waits for a security review, and says who can give it", async () => {
    const { outcome, io, sarif, evidence } = await escalation();
    expect(outcome.decision).toBe("review");
    expect(outcome.failed).toMatch(
      /^Change gate: review — a security reviewer must approve the head commit: Privilege escalation \(high, iam\)/,
    );
    expect(io.summary).toMatch(/^## 👀 Change gate: review/);
    expect(io.summary).toContain("`sec-alice`, `acme/security`");
    expect(io.summary).toContain("| escalation | added allow | service checkout | s3:GetObject |");
    expect(sarif.runs[0]?.results?.[0]).toMatchObject({ ruleId: "gate/policy-escalation", level: "warning" });
    expect(validate(sarif).valid).toBe(true);
    expect(evidence.approvals).toMatchObject({ approved: false, reviews: [] });
    // The token goes to the API, and nowhere else.
    expect(s.api.requests[0]?.authorization).toBe(`token ${TOKEN}`);
    expect(JSON.stringify(evidence) + io.summary).not.toContain(TOKEN);
  });

  it("passes once an approver approves the head commit, and records when", async () => {
    s.api.state.reviews = [
      apiReview("someone", "COMMENTED", h.head, "2026-01-01T10:00:00Z"),
      apiReview("sec-alice", "APPROVED", h.head, "2026-01-01T11:00:00Z"),
    ];
    const { outcome, evidence, io } = await escalation();
    expect(outcome.decision).toBe("pass");
    expect(evidence.clearedBy).toContain("sec-alice");
    expect(evidence.ruleDecision).toBe("review");
    expect(evidence.approvals.reviews).toContainEqual(
      expect.objectContaining({
        user: "sec-alice",
        state: "APPROVED",
        commitId: h.head,
        submittedAt: "2026-01-01T11:00:00Z",
        counted: true,
      }),
    );
    expect(io.summary).toContain("cleared by an approval of the head commit by sec-alice");
  });

  it("counts a member of an approver team, asking the API about the membership", async () => {
    s.api.state.reviews = [apiReview("bob", "APPROVED", h.head, "2026-01-01T11:00:00Z")];
    s.api.state.teams = { "acme/security": ["bob"] };
    expect((await escalation()).outcome.decision).toBe("pass");
    expect(s.api.requests.map((r) => r.url)).toContain("/orgs/acme/teams/security/memberships/bob");

    s.api.state.teams = {};
    expect((await escalation()).outcome.decision).toBe("review");
  });

  it("does not count an approval of an older commit, nor the author's own", async () => {
    s.api.state.reviews = [apiReview("sec-alice", "APPROVED", h.older, "2026-01-01T11:00:00Z")];
    const older = await escalation();
    expect(older.outcome.decision).toBe("review");
    expect(older.evidence.approvals.reviews[0].why).toBe(
      `approves commit ${h.older}, not the head ${h.head}`,
    );

    s.api.state.reviews = [apiReview("sec-alice", "APPROVED", h.head, "2026-01-01T11:00:00Z")];
    const own = await escalation({}, { base: h.base, head: h.head, author: "sec-alice" });
    expect(own.outcome.decision).toBe("review");
    expect(own.evidence.approvals.reviews[0].why).toBe(
      "the author cannot approve their own change (gate.approval.allow-author)",
    );
  });

  it("reads every page of reviews", async () => {
    const comments = Array.from({ length: 150 }, (_, i) =>
      apiReview(`user-${i}`, "COMMENTED", h.head, "2026-01-01T10:00:00Z"),
    );
    s.api.state.reviews = [...comments, apiReview("sec-alice", "APPROVED", h.head, "2026-01-01T11:00:00Z")];
    const { outcome, evidence } = await escalation();
    expect(outcome.decision).toBe("pass");
    expect(evidence.approvals.reviews).toHaveLength(151);
    expect(s.api.requests.filter((r) => r.url.endsWith("/reviews"))).toHaveLength(2);
  });

  it("does not count an approval the reviewer later withdrew", async () => {
    s.api.state.reviews = [
      apiReview("sec-alice", "APPROVED", h.head, "2026-01-01T11:00:00Z"),
      apiReview("sec-alice", "CHANGES_REQUESTED", h.head, "2026-01-01T12:00:00Z"),
    ];
    expect((await escalation()).outcome.decision).toBe("review");
  });

  it("fails closed when the reviews cannot be read, without leaking the token", async () => {
    // A token without pull-requests: read gets this; a 403 that is no rate limit is not retried.
    s.api.state.failures = [
      { path: /\/reviews$/, status: 403, message: "Resource not accessible by integration" },
    ];
    const { outcome, io, evidence } = await escalation();
    expect(outcome.decision).toBe("fail");
    const apiReason = outcome.reasons.find((r) => r.rule === "gate/api-error");
    expect(apiReason?.message).toMatch(
      /GitHub API GET \/repos\/Codertocat\/Hello-World\/pulls\/2\/reviews failed: HTTP 403: Resource not accessible by integration/,
    );
    expect(JSON.stringify(outcome) + io.summary + JSON.stringify(evidence)).not.toContain(TOKEN);
  });

  it("stays in review without a token, and says approvals were not checked", async () => {
    const { outcome, io } = await s.gate(
      { "policy-diff": diffFile },
      await s.event({ base: h.base, head: h.head, body: ROLLBACK_BODY }),
    );
    expect(outcome.decision).toBe("review");
    expect(io.summary).toContain("no token was given, so approvals were not checked");
    expect(s.api.requests).toEqual([]);
  });

  it("reads a pull_request_review event as well", async () => {
    s.api.state.reviews = [apiReview("sec-alice", "APPROVED", h.head, "2026-01-01T11:00:00Z")];
    const { outcome } = await escalation({}, { base: h.base, head: h.head, event: "pull_request_review" });
    expect(outcome.decision).toBe("pass");
  });

  it("honours a skip-review label only when an allowed person applied it", async () => {
    const labelled = { base: h.base, head: h.head, labels: ["security-reviewed"] };
    s.api.state.events = [labeledEvent("security-reviewed", "sec-alice")];
    const allowed = await escalation({}, labelled);
    expect(allowed.outcome.decision).toBe("pass");
    expect(allowed.evidence.clearedBy).toContain("security-reviewed");

    s.api.state.events = [
      labeledEvent("security-reviewed", "sec-alice"),
      labeledEvent("security-reviewed", "mallory"),
    ];
    const other = await escalation({}, labelled);
    expect(other.outcome.decision).toBe("review");
    expect(other.evidence.labels[0].why).toMatch(/mallory, who is not in applied-by/);
  });

  it("asks for review when a require-review label is on a change that would pass", async () => {
    const { outcome } = await s.gate(
      {},
      await s.event({ base: h.base, head: h.head, labels: ["needs-security"], body: ROLLBACK_BODY }),
    );
    expect(outcome.reasons.map((r) => r.rule)).toEqual(["gate/review-label"]);
    expect(outcome.decision).toBe("review");
  });

  it("fails a risky change whose description lacks the required sections", async () => {
    const empty = await escalation(
      {},
      {
        base: h.base,
        head: h.head,
        body: "## Rollback plan\n<!-- how do we undo this? -->\n## Testing\nManual.\n",
      },
    );
    expect(empty.outcome.decision).toBe("fail");
    expect(empty.outcome.reasons[0]).toMatchObject({ rule: "gate/documentation", verdict: "fail" });
    expect(empty.outcome.reasons[0]?.message).toContain('"Rollback plan"');
  });

  it("keeps one sticky comment, updated in place, and leaves other people's comments alone", async () => {
    s.api.state.comments = [
      { id: 7, body: `${COMMENT_MARKER}\nfake`, user: { login: "mallory", type: "User" } },
    ];
    await escalation({ comment: "true" });
    await escalation({ comment: "true" });
    const posts = s.api.requests.filter((r) => r.url.endsWith("/comments") && r.method === "POST");
    const patches = s.api.requests.filter((r) => r.method === "PATCH");
    expect([posts.length, patches.length]).toEqual([1, 1]);
    expect(s.api.state.comments).toHaveLength(2);
    expect(s.api.state.comments[0]?.body).toBe(`${COMMENT_MARKER}\nfake`);
    expect(s.api.state.comments[1]?.body).toMatch(/^<!-- secflow:change-gate -->\n## 👀 Change gate: review/);
  });
});
