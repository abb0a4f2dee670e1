import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type EscalationScenario, escalationScenario, repositoryAccessConfig } from "./support/escalation.ts";
import { labeled, review } from "./support/rest.ts";
import { baseConfig } from "./support/scenario.ts";

// Reviews as GitHub's branch protection reads them, on a pull request by octo-dev that adds a
// privilege (so it needs a security review). The local API answers reviews, collaborator
// permissions, team memberships and commits; sec-alice is an admin of the repository, bob can
// write, maintainer maintains, and anyone else can only read (a public repository).

const AT = (hour: number) => `2026-01-01T${String(hour).padStart(2, "0")}:00:00Z`;

describe("reviews with GitHub's semantics (approvers: sec-alice, acme/security)", () => {
  let e: EscalationScenario;
  beforeAll(async () => {
    e = await escalationScenario(baseConfig());
  });
  afterAll(() => e.s.cleanup());
  beforeEach(() => e.s.api.reset());

  it("attack: A approves and B (write access) requests changes — the change stays in review, and says who", async () => {
    const { s, h } = e;
    s.api.state.reviews = [
      review("sec-alice", "APPROVED", h.head, AT(10)),
      review("bob", "CHANGES_REQUESTED", h.head, AT(11)),
    ];
    const { outcome, evidence, io } = await e.gate();
    expect(outcome.decision).toBe("review");
    expect(evidence.clearedBy).toBeNull();
    expect(evidence.approvals).toMatchObject({
      approved: false,
      approvedBy: ["sec-alice"],
      changesRequestedBy: ["bob"],
    });
    expect(evidence.approvals.note).toMatch(/^changes requested by bob \(write\)/);
    expect(evidence.approvals.reviews[1]).toMatchObject({ user: "bob", counted: false, permission: "write" });
    expect(io.summary).toContain("changes requested by bob (write)");
  });

  it("a comment does not lift a change request, nor withdraw an approval", async () => {
    const { s, h } = e;
    s.api.state.reviews = [
      review("bob", "CHANGES_REQUESTED", h.head, AT(9)),
      review("sec-alice", "APPROVED", h.head, AT(10)),
      review("bob", "COMMENTED", h.head, AT(11)),
    ];
    const blocked = await e.gate();
    expect(blocked.outcome.decision).toBe("review");
    expect(blocked.evidence.approvals.changesRequestedBy).toEqual(["bob"]);

    // Control: the approver comments after approving; the approval stands.
    s.api.state.reviews = [
      review("sec-alice", "APPROVED", h.head, AT(10)),
      review("sec-alice", "COMMENTED", h.head, AT(11)),
    ];
    const approved = await e.gate();
    expect(approved.outcome.decision).toBe("pass");
    expect(approved.evidence.approvals.reviews[1].why).toBe("a comment, not an approval");
  });

  it("a change request stops blocking once its reviewer approves or it is dismissed", async () => {
    const { s, h } = e;
    s.api.state.reviews = [
      review("bob", "CHANGES_REQUESTED", h.older, AT(9)),
      review("sec-alice", "APPROVED", h.head, AT(10)),
      review("bob", "APPROVED", h.head, AT(11)),
    ];
    expect((await e.gate()).outcome.decision).toBe("pass");

    s.api.state.reviews = [
      review("bob", "DISMISSED", h.older, AT(9)),
      review("sec-alice", "APPROVED", h.head, AT(10)),
    ];
    expect((await e.gate()).outcome.decision).toBe("pass");
  });

  it("a change request of an older commit still blocks, as on GitHub", async () => {
    const { s, h } = e;
    s.api.state.reviews = [
      review("bob", "CHANGES_REQUESTED", h.older, AT(9)),
      review("sec-alice", "APPROVED", h.head, AT(10)),
    ];
    expect((await e.gate()).outcome.decision).toBe("review");
  });

  it("a change request from someone who can only read does not block", async () => {
    const { s, h } = e;
    s.api.state.reviews = [
      review("sec-alice", "APPROVED", h.head, AT(10)),
      review("passer-by", "CHANGES_REQUESTED", h.head, AT(11), "NONE"),
    ];
    const { outcome, evidence } = await e.gate();
    expect(outcome.decision).toBe("pass");
    expect(evidence.approvals.reviews[1].why).toBe(
      "requests changes, but has read access, so it does not block",
    );
  });

  it("a skip-review label does not override a standing change request", async () => {
    const { s, h } = e;
    s.api.state.events = [labeled("security-reviewed", "sec-alice", "2026-01-02T00:00:00Z")];
    s.api.state.reviews = [review("bob", "CHANGES_REQUESTED", h.head, AT(11))];
    const blocked = await e.gate({}, { labels: ["security-reviewed"] });
    expect(blocked.outcome.decision).toBe("review");

    s.api.state.reviews = [];
    expect((await e.gate({}, { labels: ["security-reviewed"] })).outcome.decision).toBe("pass");
  });

  it("attack: a member of the approver team who can only read the repository approves — not counted", async () => {
    const { s, h } = e;
    s.api.state.teams = { "acme/security": ["carol"] };
    s.api.state.permissions = { carol: "read" };
    s.api.state.reviews = [review("carol", "APPROVED", h.head, AT(10), "MEMBER")];
    const { outcome, evidence } = await e.gate();
    expect(outcome.decision).toBe("review");
    expect(evidence.approvals.reviews[0]).toMatchObject({
      user: "carol",
      permission: "read",
      counted: false,
      why: "has read access to the repository; an approver needs write, maintain or admin",
    });
    expect(s.api.requests.map((r) => r.url)).toContain(
      "/repos/Codertocat/Hello-World/collaborators/carol/permission",
    );

    // Control: with maintain access the same team member counts.
    s.api.state.permissions = { carol: "maintain" };
    const approved = await e.gate();
    expect(approved.outcome.decision).toBe("pass");
    expect(approved.evidence.approvals.reviews[0].why).toBe(
      "approved the head commit as a member of acme/security, with maintain access",
    );
  });

  it("a bot's approval does not count, even with write access", async () => {
    const { s, h } = e;
    // A workflow on the pull request's branch can approve with GITHUB_TOKEN when the repository allows it.
    s.api.state.permissions = { "github-actions[bot]": "write" };
    s.api.state.reviews = [review("github-actions[bot]", "APPROVED", h.head, AT(10), "NONE")];
    const { outcome, evidence } = await e.gate();
    expect(outcome.decision).toBe("review");
    expect(evidence.approvals.reviews[0].why).toBe(
      "a bot's approval counts only when gate.approvers names it",
    );
  });

  it("records each reviewer's account id and permission for the audit", async () => {
    const { s, h } = e;
    const approval = review("sec-alice", "APPROVED", h.head, AT(10));
    s.api.state.reviews = [approval];
    const { outcome, evidence } = await e.gate();
    expect(outcome.decision).toBe("pass");
    expect(evidence.approvals.reviews[0]).toMatchObject({
      user: "sec-alice",
      userId: approval.user.id,
      userType: "User",
      permission: "admin",
      counted: true,
    });
  });
});

describe("approver eligibility from the repository permission API (no approvers configured)", () => {
  let e: EscalationScenario;
  beforeAll(async () => {
    e = await escalationScenario(repositoryAccessConfig());
  });
  afterAll(() => e.s.cleanup());
  beforeEach(() => e.s.api.reset());

  it("attack: an organisation MEMBER without write access approves — not counted", async () => {
    const { s, h } = e;
    s.api.state.permissions = { carol: "triage" };
    s.api.state.reviews = [review("carol", "APPROVED", h.head, AT(10), "MEMBER")];
    const { outcome, evidence } = await e.gate();
    expect(outcome.decision).toBe("review");
    expect(evidence.approvals.reviews[0]).toMatchObject({ permission: "triage", counted: false });
  });

  it("control: someone with write access approves the head — pass, whatever author_association says", async () => {
    const { s, h } = e;
    s.api.state.permissions = { erin: "write" };
    s.api.state.reviews = [review("erin", "APPROVED", h.head, AT(10), "CONTRIBUTOR")];
    const { outcome, evidence } = await e.gate();
    expect(outcome.decision).toBe("pass");
    expect(evidence.clearedBy).toBe("an approval of the head commit by erin");
    expect(evidence.approvals.reviews[0].why).toBe(
      "approved the head commit as a person with write access, with write access",
    );
  });
});

describe("the author, the last pusher and the commit authors do not approve their own change", () => {
  let e: EscalationScenario;
  beforeAll(async () => {
    e = await escalationScenario(repositoryAccessConfig());
  });
  afterAll(() => e.s.cleanup());
  beforeEach(() => e.s.api.reset());

  it("attack: the last pusher approves their own push — not counted", async () => {
    const { s, h } = e;
    // octo-dev opened the pull request; dave, who can write, pushed the head commit and approves it.
    await e.commits({
      older: { author: "octo-dev", committer: "octo-dev" },
      head: { author: "octo-dev", committer: "dave" },
    });
    s.api.state.permissions = { dave: "write", erin: "write" };
    s.api.state.reviews = [review("dave", "APPROVED", h.head, AT(10), "COLLABORATOR")];
    const own = await e.gate();
    expect(own.outcome.decision).toBe("review");
    expect(own.evidence.approvals.reviews[0].why).toBe(
      "pushed the head commit, so cannot approve it (gate.approval.allow-contributors)",
    );
    expect(own.evidence.approvals.contributors).toEqual({
      lastPusher: "dave",
      commitAuthors: ["octo-dev", "dave"],
    });

    // Control: an independent reviewer with write access approves the same head.
    s.api.state.reviews.push(review("erin", "APPROVED", h.head, AT(11), "COLLABORATOR"));
    const independent = await e.gate();
    expect(independent.outcome.decision).toBe("pass");
    expect(independent.evidence.approvals.approvedBy).toEqual(["erin"]);
  });

  it("the author of an earlier commit does not count either", async () => {
    const { s, h } = e;
    await e.commits({
      older: { author: "frank", committer: "frank" },
      head: { author: "octo-dev", committer: "octo-dev" },
    });
    s.api.state.permissions = { frank: "admin" };
    s.api.state.reviews = [review("frank", "APPROVED", h.head, AT(10))];
    const { outcome, evidence } = await e.gate();
    expect(outcome.decision).toBe("review");
    expect(evidence.approvals.reviews[0].why).toBe(
      "authored or committed commits of the pull request (gate.approval.allow-contributors)",
    );
  });

  it("takes the author as the pusher of a commit GitHub made (web-flow)", async () => {
    const { s, h } = e;
    await e.commits({
      older: { author: "octo-dev", committer: "octo-dev" },
      head: { author: "dave", committer: "web-flow" },
    });
    s.api.state.permissions = { dave: "write" };
    s.api.state.reviews = [review("dave", "APPROVED", h.head, AT(10))];
    const { outcome, evidence } = await e.gate();
    expect(outcome.decision).toBe("review");
    expect(evidence.approvals.contributors.lastPusher).toBe("dave");
  });

  it("counts no approval when who pushed the head is unknown (its committer is no GitHub account)", async () => {
    const { s, h } = e;
    await e.commits({ older: { author: null, committer: null }, head: { author: null, committer: null } });
    s.api.state.permissions = { erin: "write" };
    s.api.state.reviews = [review("erin", "APPROVED", h.head, AT(10))];
    const { outcome, evidence } = await e.gate();
    expect(outcome.decision).toBe("review");
    expect(evidence.approvals.reviews[0].why).toMatch(/who pushed it is unknown/);
  });
});

describe("gate.approval: allow-author and allow-contributors, as in policy-bot", () => {
  let e: EscalationScenario;
  beforeAll(async () => {
    e = await escalationScenario(
      repositoryAccessConfig("  approval: { allow-author: true, allow-contributors: true }\n"),
    );
  });
  afterAll(() => e.s.cleanup());
  beforeEach(() => e.s.api.reset());

  it("lets the pusher, and the author, approve when the base configuration says so", async () => {
    const { s, h } = e;
    await e.commits({
      older: { author: "octo-dev", committer: "octo-dev" },
      head: { author: "octo-dev", committer: "dave" },
    });
    s.api.state.permissions = { dave: "write", "octo-dev": "write" };
    s.api.state.reviews = [review("dave", "APPROVED", h.head, AT(10))];
    expect((await e.gate()).outcome.decision).toBe("pass");

    s.api.state.reviews = [review("octo-dev", "APPROVED", h.head, AT(10))];
    expect((await e.gate()).outcome.decision).toBe("pass");
  });
});

describe("approvals bound to the head commit, as many as gate.approval.count asks", () => {
  let e: EscalationScenario;
  beforeAll(async () => {
    e = await escalationScenario(baseConfig("  approval: { count: 2 }\n"));
  });
  afterAll(() => e.s.cleanup());
  beforeEach(() => e.s.api.reset());

  it("attack: one approval where the policy asks for two — stays in review", async () => {
    const { s, h } = e;
    s.api.state.teams = { "acme/security": ["bob"] };
    s.api.state.reviews = [review("sec-alice", "APPROVED", h.head, AT(10))];
    const one = await e.gate();
    expect(one.outcome.decision).toBe("review");
    expect(one.evidence.approvals).toMatchObject({ required: 2, approvedBy: ["sec-alice"] });
    expect(one.evidence.approvals.note).toBe(
      "1 of the 2 approvals the gate policy requires (gate.approval.count)",
    );

    // bob's approval of an older commit is not of the head.
    s.api.state.reviews.push(review("bob", "APPROVED", h.older, AT(11)));
    expect((await e.gate()).outcome.decision).toBe("review");

    // Control: two eligible approvals of the head.
    s.api.state.reviews = [
      review("sec-alice", "APPROVED", h.head, AT(10)),
      review("bob", "APPROVED", h.head, AT(11)),
    ];
    const two = await e.gate();
    expect(two.outcome.decision).toBe("pass");
    expect(two.evidence.clearedBy).toBe("2 approvals of the head commit by sec-alice, bob");
  });
});
