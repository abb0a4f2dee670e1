import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { change, policyDiff } from "./support/policy-diff.ts";
import {
  baseConfig,
  branch,
  type History,
  ROLLBACK_BODY,
  type Scenario,
  scenario,
  standardHistory,
  TOKEN,
} from "./support/scenario.ts";

/**
 * Issue #13: only risky changes wait for a person. A read grant is an escalation too, but
 * policy-diff rates it medium or low, and the default `escalations` rule sends only high and
 * critical escalations to review.
 */
let s: Scenario;
let h: History;

beforeAll(async () => {
  s = await scenario();
  h = await standardHistory(s.repo);
});
afterAll(() => s.cleanup());

const readGrant = change({ severity: "medium", permission: "s3:ListBucket" });
const writeGrant = change({ severity: "high", permission: "s3:PutObject", line: 14 });

async function gateOn(changes: ReturnType<typeof change>[], base = h.base) {
  const diff = await s.file(`diff-${changes.length}-${base}.json`, policyDiff(base, h.head, changes));
  return s.gate(
    { "policy-diff": diff, token: TOKEN },
    await s.event({ author: "octo-dev", body: ROLLBACK_BODY, base, head: h.head }),
  );
}

describe("the escalations rule", () => {
  it("reports a medium escalation without sending it to review", async () => {
    const { outcome, evidence } = await gateOn([readGrant]);
    expect(outcome.decision).toBe("pass");
    const rule = evidence.rules.find((r: { rule: string }) => r.rule === "policy-changes");
    expect(rule.settings).toMatchObject({ escalations: "review", escalationsFrom: "high" });
    expect(rule.reported).toHaveLength(1);
    expect(rule.reported[0].message).toContain("s3:ListBucket");
  });

  it("sends a high escalation to review, next to a medium one that is only reported", async () => {
    const { outcome, evidence } = await gateOn([readGrant, writeGrant]);
    expect(outcome.decision).toBe("review");
    expect(outcome.reasons.map((r) => r.message)).toEqual([expect.stringContaining("s3:PutObject")]);
    const rule = evidence.rules.find((r: { rule: string }) => r.rule === "policy-changes");
    expect(rule.reported.map((r: { message: string }) => r.message)).toEqual([
      expect.stringContaining("s3:ListBucket"),
    ]);
  });

  it("lets the base configuration send lower escalations too", async () => {
    const strict = await branch(s.repo, "strict-main", h.base, {
      ".github/secflow.yml": baseConfig("  escalations-from: medium\n"),
    });
    const { outcome } = await gateOn([readGrant], strict);
    expect(outcome.decision).toBe("review");
    expect(outcome.reasons.map((r) => r.rule)).toEqual(["gate/policy-escalation"]);
  });

  it("sends a critical widening of a sensitive privilege to review", async () => {
    const sensitive = change({
      class: "widening",
      severity: "critical",
      sensitive: true,
      permission: "iam:PassRole",
    });
    const { outcome } = await gateOn([sensitive]);
    expect(outcome.decision).toBe("review");
  });
});
