import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { change, policyDiff } from "./support/policy-diff.ts";
import { sarifOf } from "./support/sarif.ts";
import {
  baseConfig,
  branch,
  type History,
  ROLLBACK_BODY,
  type Scenario,
  scenario,
  standardHistory,
} from "./support/scenario.ts";

// Fail closed by default: every category (sast, sca, policy) is expected unless the base
// commit's configuration lists fewer in gate.expected, which is how a team opts out.

let s: Scenario;
let h: History;

beforeAll(async () => {
  s = await scenario();
  h = await standardHistory(s.repo);
});
afterAll(() => s.cleanup());

/** A pull request on a main whose configuration is `config`; returns the gate's run with sast and a policy diff. */
async function gateWith(config: string, name: string, given: Record<string, string> = {}) {
  const base = await branch(s.repo, `${name}-main`, h.base, { ".github/secflow.yml": config });
  const head = await branch(s.repo, name, base, { "README.md": `# shop\n\n${name}\n` });
  const sast = await s.file(`${name}.sarif`, sarifOf({ action: "sast", revisionId: head, results: [] }));
  const diff = await s.file(
    `${name}.json`,
    policyDiff(base, head, [change({ class: "reduction", kind: "removed", severity: "low" })]),
  );
  return s.gate(
    { sarif: sast, "policy-diff": diff, ...given },
    await s.event({ base, head, body: ROLLBACK_BODY }),
  );
}

describe("every category is expected by default", () => {
  it("fails when no expected is configured and the sca SARIF is missing, naming the job (attack)", async () => {
    const { outcome, evidence } = await gateWith(baseConfig("", { expected: null }), "no-expected");
    expect(outcome.decision).toBe("fail");
    expect(outcome.reasons.map((r) => [r.rule, r.verdict])).toEqual([["gate/missing-input", "fail"]]);
    expect(outcome.reasons[0]?.message).toBe(
      "Expected sca results, but no SARIF of category secflow/sca/…: did the sca job run and upload it?",
    );
    const rule = evidence.rules.find((r: { rule: string }) => r.rule === "expected-inputs");
    expect(rule.settings).toEqual({ expected: ["sast", "sca", "policy"], source: "default: every category" });
    expect(rule.inputs.present).toEqual(["sast", "policy"]);
  });

  it("reviews instead where the base configuration says on-missing: review", async () => {
    const { outcome } = await gateWith(
      baseConfig("  on-missing: review\n", { expected: null }),
      "no-expected-review",
    );
    expect(outcome.decision).toBe("review");
  });

  it("passes when the base configuration opts out of sca (control)", async () => {
    const { outcome, evidence } = await gateWith(baseConfig("", { expected: "[sast, policy]" }), "opted-out");
    expect(outcome.decision).toBe("pass");
    const rule = evidence.rules.find((r: { rule: string }) => r.rule === "expected-inputs");
    expect(rule.settings).toEqual({ expected: ["sast", "policy"], source: "gate.expected (base commit)" });
  });

  it("lets the input add a category, never remove one", async () => {
    const added = await gateWith(baseConfig("", { expected: "[sast]" }), "input-adds", { expected: "sca" });
    expect(added.outcome.decision).toBe("fail");
    expect(added.outcome.reasons[0]?.message).toMatch(/secflow\/sca\//);
  });
});
