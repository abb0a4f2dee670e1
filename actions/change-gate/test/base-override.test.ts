import { eventEnv } from "@secflow/kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sarifOf } from "./support/sarif.ts";
import {
  branch,
  type History,
  ROLLBACK_BODY,
  type Scenario,
  scenario,
  standardHistory,
} from "./support/scenario.ts";

// In a pull-request event the `base` input cannot move the policy source off the event's base:
// the workflow that passes it runs from the pull request's own commit.

let s: Scenario;
let h: History;
let relaxed: string;
let sast: string;

const RELAXED = `version: 1
gate:
  expected: []
  new-findings: { fail: none, review: none }
  escalations: pass
`;

beforeAll(async () => {
  s = await scenario();
  h = await standardHistory(s.repo);
  relaxed = await branch(s.repo, "relaxed", h.base, { ".github/secflow.yml": RELAXED });
  sast = await s.file(
    "high.sarif",
    sarifOf({
      action: "sast",
      revisionId: relaxed,
      results: [
        { ruleId: "js/sql-injection", severity: "high", path: "src/app.js", line: 1, baselineState: "new" },
      ],
    }),
  );
});
afterAll(() => s.cleanup());

describe("the base input in a pull-request event", () => {
  it.each([
    "pull_request",
    "pull_request_review",
  ] as const)("cannot point the policy at the head's relaxed configuration (%s, attack)", async (event) => {
    // The attack: `base: ${{ github.event.pull_request.head.sha }}` in the gate step.
    const { outcome, evidence, io } = await s.gate(
      { sarif: sast, base: relaxed },
      await s.event({ base: h.base, head: relaxed, body: ROLLBACK_BODY, event }),
    );
    expect(outcome.decision).toBe("fail");
    expect(evidence.config.commit).toBe(h.base);
    expect(outcome.reasons.map((r) => [r.rule, r.verdict])).toEqual([
      ["gate/new-finding", "fail"],
      ["gate/base-override", "review"],
      ["gate/sensitive-path", "review"],
    ]);
    const override = outcome.reasons.find((r) => r.rule === "gate/base-override");
    expect(override?.message).toBe(
      `The base input names commit ${relaxed.slice(0, 12)}, not the pull request's base ${h.base.slice(0, 12)}: in a ${event} event the gate reads its policy from the event's base, and a moved base needs a security review`,
    );
    expect(evidence.change).toEqual({
      eventBaseSha: h.base,
      eventHeadSha: relaxed,
      baseOverride: { input: relaxed, sha: relaxed, refused: true },
      headOverride: null,
    });
    expect(evidence.pullRequest).toMatchObject({ baseSha: h.base, baseSource: "pull-request" });
    expect(io.summary).toContain("not the pull request's base");
  });

  it("cannot shrink the change with the head input either", async () => {
    const { outcome, evidence } = await s.gate(
      { sarif: sast, head: h.base },
      await s.event({ base: h.base, head: relaxed, body: ROLLBACK_BODY }),
    );
    expect(outcome.reasons.map((r) => r.rule)).toContain("gate/base-override");
    // Judged as the pull request: its configuration change is there, under the base's policy.
    expect(evidence.pullRequest.headSha).toBe(relaxed);
    expect(evidence.change.headOverride).toEqual({ input: h.base, sha: h.base, refused: true });
  });

  it("accepts a base input that names the event's base (control)", async () => {
    const clean = await s.file("clean.sarif", sarifOf({ action: "sast", revisionId: h.head, results: [] }));
    const { outcome, evidence } = await s.gate(
      { sarif: clean, base: h.base },
      await s.event({ base: h.base, head: h.head, body: ROLLBACK_BODY }),
    );
    expect(outcome.decision).toBe("pass");
    expect(evidence.change).toEqual({
      eventBaseSha: h.base,
      eventHeadSha: h.head,
      baseOverride: null,
      headOverride: null,
    });
  });

  it("honours the base input outside pull-request events (control)", async () => {
    // A push compares the commits before and after; the base input may choose another base.
    const clean = await s.file("push.sarif", sarifOf({ action: "sast", revisionId: h.head, results: [] }));
    const push = await eventEnv("push", { base: h.older, head: h.head }, s.tmp);
    const { outcome, evidence } = await s.gate({ sarif: clean, base: h.base }, push);
    expect(outcome.decision).toBe("pass");
    expect(evidence.pullRequest).toMatchObject({ baseSha: h.base, baseSource: "input" });
    expect(evidence.change.baseOverride).toEqual({ input: h.base, sha: h.base, refused: false });
  });
});
