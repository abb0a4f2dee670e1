import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type EscalationScenario, escalationScenario } from "./support/escalation.ts";
import { labeled, review } from "./support/rest.ts";
import { baseConfig, TOKEN } from "./support/scenario.ts";

// The gate's GitHub API calls are bounded: a timeout per request (api-timeout), retries of
// server errors (@octokit/plugin-retry), waits for rate limits that fit the run
// (@octokit/plugin-throttling), a time limit for all calls together (api-time-limit), and a
// response the gate cannot read fails closed. The local API hangs, fails and lies on demand.

let e: EscalationScenario;
beforeAll(async () => {
  e = await escalationScenario(baseConfig());
});
afterAll(() => e.s.cleanup());
beforeEach(() => e.s.api.reset());

const approved = () => [review("sec-alice", "APPROVED", e.h.head, "2026-01-01T10:00:00Z")];
const apiReason = (reasons: { rule: string; message: string }[]) =>
  reasons.find((r) => r.rule === "gate/api-error")?.message ?? "";

describe("an API that does not answer", () => {
  it("attack: the reviews never come — the gate fails within its time limit and says why", async () => {
    e.s.api.state.reviews = approved();
    e.s.api.state.hang = [{ path: /\/reviews$/ }];
    const started = Date.now();
    const { outcome, io, evidence } = await e.gate({ "api-timeout": "1", "api-time-limit": "3" });
    const took = Date.now() - started;
    expect(took).toBeLessThan(8_000);
    expect(outcome.decision).toBe("fail");
    expect(apiReason(outcome.reasons)).toMatch(
      /^GitHub API GET \/repos\/Codertocat\/Hello-World\/pulls\/2\/reviews failed: the gate's time limit for GitHub API calls \(3 s\) was reached; the last request got no answer within 1 s \(api-time-limit\)$/,
    );
    expect(apiReason(outcome.reasons)).not.toMatch(/HTTP 500/);
    expect(evidence.clearedBy).toBeNull();
    expect(JSON.stringify(evidence) + io.summary).not.toContain(TOKEN);
  }, 20_000);

  it("gives up on one request after api-timeout and retries it", async () => {
    e.s.api.state.reviews = approved();
    e.s.api.state.hang = [{ path: /\/reviews$/, times: 1 }];
    const { outcome } = await e.gate({ "api-timeout": "1" });
    expect(outcome.decision).toBe("pass");
    expect(e.s.api.requests.filter((r) => r.url.endsWith("/reviews"))).toHaveLength(2);
  }, 20_000);
});

describe("retries and rate limits", () => {
  it("retries a server error", async () => {
    e.s.api.state.reviews = approved();
    e.s.api.state.failures = [{ path: /\/reviews$/, status: 502, times: 1, message: "Bad Gateway" }];
    const { outcome } = await e.gate();
    expect(outcome.decision).toBe("pass");
    expect(e.s.api.requests.filter((r) => r.url.endsWith("/reviews"))).toHaveLength(2);
  });

  it("waits out a secondary rate limit that fits the time limit", async () => {
    e.s.api.state.reviews = approved();
    e.s.api.state.failures = [
      {
        path: /\/reviews$/,
        status: 403,
        times: 1,
        headers: { "retry-after": "1" },
        message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
      },
    ];
    const { outcome } = await e.gate();
    expect(outcome.decision).toBe("pass");
    expect(e.s.api.requests.filter((r) => r.url.endsWith("/reviews"))).toHaveLength(2);
  });

  it("does not wait for a rate limit that resets after the time limit, and says it was the rate limit", async () => {
    const reset = Math.floor(Date.now() / 1000) + 3600;
    e.s.api.state.reviews = approved();
    e.s.api.state.failures = [
      {
        path: /\/reviews$/,
        status: 403,
        headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
        message: "API rate limit exceeded for installation ID 1.",
      },
    ];
    const started = Date.now();
    const { outcome } = await e.gate();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(outcome.decision).toBe("fail");
    expect(apiReason(outcome.reasons)).toMatch(
      /reviews failed: HTTP 403 \(rate limited\): API rate limit exceeded/,
    );
  });
});

describe("responses the gate cannot read fail closed", () => {
  it("attack: an HTML page where the reviews should be", async () => {
    e.s.api.state.raw = [
      {
        path: /\/reviews$/,
        contentType: "text/html",
        body: "<html><body>Unicorn! This page is taking too long</body></html>",
      },
    ];
    const { outcome } = await e.gate();
    expect(outcome.decision).toBe("fail");
    expect(apiReason(outcome.reasons)).toMatch(
      /reviews failed: the response is malformed: expected a list of reviews/,
    );
  });

  it("attack: JSON of the wrong shape — a review without a state, a permission without a permission", async () => {
    e.s.api.state.raw = [
      {
        path: /\/reviews$/,
        contentType: "application/json",
        body: JSON.stringify([{ user: { login: "sec-alice" }, commit_id: e.h.head }]),
      },
    ];
    const review = await e.gate();
    expect(review.outcome.decision).toBe("fail");
    expect(apiReason(review.outcome.reasons)).toMatch(
      /the response is malformed: a review has no state \(got undefined\)/,
    );

    e.s.api.state.raw = [
      {
        path: /\/permission$/,
        contentType: "application/json",
        body: JSON.stringify({ role_name: "admin" }),
      },
    ];
    e.s.api.state.reviews = approved();
    const permission = await e.gate();
    expect(permission.outcome.decision).toBe("fail");
    expect(apiReason(permission.outcome.reasons)).toMatch(
      /collaborators\/sec-alice\/permission failed: the response is malformed: a repository permission has no permission/,
    );
  });

  it("a malformed issue event keeps a label from counting, with a warning", async () => {
    e.s.api.state.raw = [
      {
        path: /\/events$/,
        contentType: "application/json",
        body: JSON.stringify([
          { ...labeled("security-reviewed", "sec-alice", "2026-01-02T00:00:00Z"), event: 42 },
        ]),
      },
    ];
    const { outcome } = await e.gate({}, { labels: ["security-reviewed"] });
    expect(outcome.decision).toBe("review");
    expect(outcome.reasons).toContainEqual(
      expect.objectContaining({
        verdict: "warn",
        message: expect.stringMatching(
          /^Label "security-reviewed" is not honoured: .*the response is malformed/,
        ),
      }),
    );
  });

  it("control: the same run with well-formed answers passes", async () => {
    e.s.api.state.reviews = approved();
    expect((await e.gate()).outcome.decision).toBe("pass");
  });
});
