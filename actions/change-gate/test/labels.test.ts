import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type EscalationScenario, escalationScenario, repositoryAccessConfig } from "./support/escalation.ts";
import { checkSuite, forcePushed, gitCommit, labeled, restCommit, restUser } from "./support/rest.ts";

// Labels that loosen the gate, with provenance from the issue events: who applied the label
// (bots only when applied-by names them) and when (after the head commit was pushed). The push
// time is the later of the head commit's committer date, the first check suite GitHub created
// for the head commit and the last force push; the local API serves all three.

const CONFIG = repositoryAccessConfig(`  labels:
    ship-it: { effect: skip-review }
    release-ok: { effect: skip-review, applied-by: ["release-bot[bot]"] }
`);

const PUSHED = "2026-01-03T00:00:00Z";
const BEFORE_PUSH = "2026-01-02T00:00:00Z";
const AFTER_PUSH = "2026-01-04T00:00:00Z";

let e: EscalationScenario;
beforeAll(async () => {
  e = await escalationScenario(CONFIG);
});
afterAll(() => e.s.cleanup());
beforeEach(() => {
  e.s.api.reset();
  e.s.api.state.pushedAt = PUSHED;
});

describe("who applied a label", () => {
  it("attack: github-actions[bot] applies skip-review — not honoured", async () => {
    e.s.api.state.events = [labeled("ship-it", "github-actions[bot]", AFTER_PUSH)];
    const { outcome, evidence } = await e.gate({}, { labels: ["ship-it"] });
    expect(outcome.decision).toBe("review");
    expect(evidence.labels[0]).toMatchObject({
      name: "ship-it",
      honoured: false,
      appliedBy: "github-actions[bot]",
      appliedByType: "Bot",
      why: "applied by github-actions[bot], a bot; a bot's label counts only when applied-by names it",
    });
  });

  it("knows a bot by its account type, whatever its login", async () => {
    e.s.api.state.events = [
      { ...labeled("ship-it", "deployer", AFTER_PUSH), actor: restUser("deployer", "Bot") },
    ];
    expect((await e.gate({}, { labels: ["ship-it"] })).outcome.decision).toBe("review");
  });

  it("control: a bot named in applied-by, and a person after the last push, are honoured", async () => {
    e.s.api.state.events = [labeled("release-ok", "release-bot[bot]", AFTER_PUSH)];
    const bot = await e.gate({}, { labels: ["release-ok"] });
    expect(bot.outcome.decision).toBe("pass");
    expect(bot.evidence.clearedBy).toBe(
      'the label "release-ok", applied by release-bot[bot] after the last push',
    );

    e.s.api.state.events = [labeled("ship-it", "maintainer", AFTER_PUSH)];
    const person = await e.gate({}, { labels: ["ship-it"] });
    expect(person.outcome.decision).toBe("pass");
    expect(person.evidence.labels[0]).toMatchObject({
      honoured: true,
      appliedBy: "maintainer",
      appliedAt: AFTER_PUSH,
      headPushedAt: PUSHED,
      headPushBasis: "the first check suite GitHub created for the head commit",
    });
  });
});

describe("when a label was applied", () => {
  it("attack: a label applied before a later push stops counting", async () => {
    e.s.api.state.events = [labeled("ship-it", "maintainer", BEFORE_PUSH)];
    const { outcome, evidence } = await e.gate({}, { labels: ["ship-it"] });
    expect(outcome.decision).toBe("review");
    expect(evidence.labels[0].why).toBe(
      `applied at ${BEFORE_PUSH}, before the head commit was pushed (${PUSHED}, the first check suite GitHub created for the head commit); apply it again to vouch for the new commits`,
    );

    // Control: applied again after the push, it counts again.
    e.s.api.state.events.push(
      { ...labeled("ship-it", "maintainer", "2026-01-02T01:00:00Z"), event: "unlabeled" },
      labeled("ship-it", "maintainer", AFTER_PUSH),
    );
    expect((await e.gate({}, { labels: ["ship-it"] })).outcome.decision).toBe("pass");
  });

  it("goes by GitHub's clock, not a committer date the pusher set back", async () => {
    const { s, h } = e;
    const git = await gitCommit(s.repo, h.head);
    s.api.state.commits[h.head] = restCommit(
      { ...git, committedAt: "2025-06-01T00:00:00Z" },
      { author: "octo-dev", committer: "octo-dev" },
    );
    s.api.state.checkSuites[h.head] = [
      checkSuite(h.head, "2026-01-05T00:00:00Z"),
      checkSuite(h.head, PUSHED),
    ];
    s.api.state.events = [labeled("ship-it", "maintainer", AFTER_PUSH)];
    const { outcome, evidence } = await e.gate({}, { labels: ["ship-it"] });
    // The first suite (PUSHED) is when the commit arrived; the label came after it.
    expect(outcome.decision).toBe("pass");
    expect(evidence.labels[0].headPushedAt).toBe(PUSHED);

    s.api.state.checkSuites[h.head] = [checkSuite(h.head, "2026-01-05T00:00:00Z")];
    expect((await e.gate({}, { labels: ["ship-it"] })).outcome.decision).toBe("review");
  });

  it("a force push after the label makes it stale", async () => {
    e.s.api.state.events = [
      labeled("ship-it", "maintainer", AFTER_PUSH),
      forcePushed("octo-dev", "2026-01-05T00:00:00Z"),
    ];
    const { outcome, evidence } = await e.gate({}, { labels: ["ship-it"] });
    expect(outcome.decision).toBe("review");
    expect(evidence.labels[0]).toMatchObject({
      headPushedAt: "2026-01-05T00:00:00Z",
      headPushBasis: "the last force push",
    });
  });

  it("is not honoured when GitHub shows no check suite for the head commit", async () => {
    e.s.api.state.checkSuites[e.h.head] = [];
    e.s.api.state.events = [labeled("ship-it", "maintainer", AFTER_PUSH)];
    const { outcome, evidence } = await e.gate({}, { labels: ["ship-it"] });
    expect(outcome.decision).toBe("review");
    expect(evidence.labels[0].why).toMatch(/^GitHub shows no check suite for the head commit/);
  });

  it("is not honoured, with a warning, when the push time cannot be read", async () => {
    e.s.api.state.failures = [
      { path: /\/check-suites$/, status: 403, message: "Resource not accessible by integration" },
    ];
    e.s.api.state.events = [labeled("ship-it", "maintainer", AFTER_PUSH)];
    const { outcome } = await e.gate({}, { labels: ["ship-it"] });
    expect(outcome.decision).toBe("review");
    expect(outcome.reasons).toContainEqual(
      expect.objectContaining({
        rule: "gate/api-error",
        verdict: "warn",
        message: expect.stringMatching(
          /^Label "ship-it" is not honoured: GitHub API GET .*\/check-suites failed: HTTP 403/,
        ),
      }),
    );
  });
});
