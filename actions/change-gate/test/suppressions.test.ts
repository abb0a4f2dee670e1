import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sarifOf } from "./support/sarif.ts";
import {
  baseConfig,
  branch,
  type History,
  isoDay,
  ROLLBACK_BODY,
  type Scenario,
  scenario,
  standardHistory,
} from "./support/scenario.ts";

// A finding the pull request suppresses in its own code (`// eslint-disable-line`, `# nosec`)
// disappears from every other view (code scanning shows it as dismissed), so suppressing it is a
// policy decision a security reviewer sees.

let s: Scenario;
let h: History;

beforeAll(async () => {
  s = await scenario();
  h = await standardHistory(s.repo);
});
afterAll(() => s.cleanup());

const IN_SOURCE = [
  { kind: "inSource" as const, status: "accepted" as const, justification: "false positive" },
];

async function gateOn(
  base: string,
  severity: "medium" | "high" | "low",
  suppressions?: typeof IN_SOURCE,
  name = `s-${Math.random().toString(36).slice(2)}`,
) {
  const head = await branch(s.repo, name, base, { "src/app.js": "export const app = eval(x);\n" });
  const file = await s.file(
    `${name}.sarif`,
    sarifOf({
      action: "sast",
      revisionId: head,
      results: [
        {
          ruleId: "js/eval",
          severity,
          path: "src/app.js",
          line: 1,
          baselineState: "new",
          ...(suppressions ? { suppressions } : {}),
        },
      ],
    }),
  );
  return s.gate({ sarif: file }, await s.event({ base, head, body: ROLLBACK_BODY }));
}

describe("a new finding suppressed in the source", () => {
  it("needs a security review, though an unsuppressed one of its severity would pass (attack)", async () => {
    const { outcome, evidence } = await gateOn(h.base, "medium", IN_SOURCE);
    expect(outcome.decision).toBe("review");
    expect(outcome.reasons.map((r) => [r.rule, r.verdict])).toEqual([["gate/new-finding", "review"]]);
    expect(outcome.reasons[0]?.message).toBe(
      "New medium sast finding js/eval in src/app.js:1: js/eval found (suppressed in the source by the change; a suppression hides the finding everywhere else, so a security reviewer decides — or a waiver on the base commit)",
    );
    const rule = evidence.rules.find((r: { rule: string }) => r.rule === "new-findings");
    expect(rule.settings.suppressions).toEqual({ sast: "medium", sca: "medium" });
    expect(rule.inputs.suppressedInSource).toBe(1);
  });

  it("still fails at the fail threshold: a suppression never relaxes the gate", async () => {
    expect((await gateOn(h.base, "high", IN_SOURCE)).outcome.decision).toBe("fail");
  });

  it("passes the same finding unsuppressed, reported only (control)", async () => {
    const { outcome, evidence } = await gateOn(h.base, "medium");
    expect(outcome.decision).toBe("pass");
    expect(evidence.rules.find((r: { rule: string }) => r.rule === "new-findings").reported).toHaveLength(1);
  });

  it("passes a suppression below the threshold, and one a waiver on the base commit covers (control)", async () => {
    expect((await gateOn(h.base, "low", IN_SOURCE)).outcome.decision).toBe("pass");
    const waived = await branch(s.repo, "waives-eval", h.base, {
      ".github/secflow.yml": baseConfig().replace(
        "waivers:\n",
        `waivers:\n  - rule: js/eval\n    path: src/app.js\n    reason: input is a constant\n    approver: sec-alice\n    expires: "${isoDay(10)}"\n`,
      ),
    });
    const { outcome, evidence } = await gateOn(waived, "medium", IN_SOURCE);
    expect(outcome.decision).toBe("pass");
    expect(evidence.waivers.applied).toHaveLength(1);
  });

  it("follows the category's review threshold when the team sets one", async () => {
    const off = await branch(s.repo, "review-none", h.base, {
      ".github/secflow.yml": baseConfig("  new-findings: { fail: high, review: none }\n"),
    });
    expect((await gateOn(off, "medium", IN_SOURCE)).outcome.decision).toBe("pass");
    const low = await branch(s.repo, "review-low", h.base, {
      ".github/secflow.yml": baseConfig("  categories: { sast: { review: low } }\n"),
    });
    expect((await gateOn(low, "low", IN_SOURCE)).outcome.decision).toBe("review");
  });
});
