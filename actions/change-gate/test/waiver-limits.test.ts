import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { change, policyDiff } from "./support/policy-diff.ts";
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

// Waivers with limits: one for a policy change or a critical finding must name a path or a
// fingerprint, and none may run longer than waiver-max-days (base configuration, default 90).

let s: Scenario;
let h: History;

beforeAll(async () => {
  s = await scenario();
  h = await standardHistory(s.repo);
});
afterAll(() => s.cleanup());

/** main with one waiver (YAML lines under `- `) and optional top-level settings. */
async function mainWith(waiver: string, top = ""): Promise<string> {
  const config = baseConfig().replace(
    "waivers:\n",
    `${top}waivers:\n  - ${waiver.trim().replace(/\n/g, "\n    ")}\n`,
  );
  return branch(s.repo, `w-${Math.random().toString(36).slice(2)}`, h.base, {
    ".github/secflow.yml": config,
  });
}

async function escalation(base: string, severity: "critical" | "high" = "critical") {
  const head = await branch(s.repo, `e-${Math.random().toString(36).slice(2)}`, base, {
    "policies/checkout.json": '{ "Action": "s3:GetObject" }\n',
  });
  const diff = await s.file(`d-${head}.json`, policyDiff(base, head, [change({ severity })]));
  return s.gate({ "policy-diff": diff }, await s.event({ base, head, body: ROLLBACK_BODY }));
}

async function critical(base: string) {
  const head = await branch(s.repo, `c-${Math.random().toString(36).slice(2)}`, base, {
    "src/app.js": "export const app = eval(x);\n",
  });
  const sast = await s.file(
    `c-${head}.sarif`,
    sarifOf({
      action: "sast",
      revisionId: head,
      results: [
        { ruleId: "js/eval", severity: "critical", path: "src/app.js", line: 1, baselineState: "new" },
      ],
    }),
  );
  return s.gate({ sarif: sast }, await s.event({ base, head, body: ROLLBACK_BODY }));
}

const rows = (summary: string) => summary.split("\n").filter((l) => l.startsWith("| refused"));

describe("waivers with limits", () => {
  it("refuses a rule-only waiver expiring 9999-12-31 for a critical escalation (attack)", async () => {
    const base = await mainWith(`rule: policy/iam-escalation
reason: we trust this service
approver: octo-dev
expires: "9999-12-31"`);
    const { outcome, evidence, io } = await escalation(base);
    expect(outcome.decision).toBe("review");
    expect(outcome.reasons.map((r) => r.rule)).toEqual(["gate/policy-escalation"]);
    expect(evidence.waivers.applied).toEqual([]);
    expect(evidence.waivers.refused).toEqual([
      expect.objectContaining({
        index: 0,
        why: expect.stringMatching(/^expires 9999-12-31, more than 90 days from today \(waiver-max-days\)/),
      }),
    ]);
    expect(rows(io.summary)).toHaveLength(1);
  });

  it("refuses a rule-only waiver of a policy change even when its expiry is near", async () => {
    const base = await mainWith(`rule: policy/iam-escalation
reason: we trust this service
approver: sec-alice
expires: "${isoDay(10)}"`);
    const { outcome, evidence, io } = await escalation(base, "high");
    expect(outcome.decision).toBe("review");
    expect(evidence.waivers.refusedHits).toEqual([
      expect.objectContaining({
        index: 0,
        why: "names no path or fingerprint; a waiver of a policy change or a critical finding must name one",
      }),
    ]);
    expect(io.summary).toContain("names no path or fingerprint");
  });

  it("refuses a rule-only waiver of a critical finding, and an advisory-only one", async () => {
    const ruleOnly = await mainWith(`rule: js/eval
reason: generated
approver: sec-alice
expires: "${isoDay(10)}"`);
    expect((await critical(ruleOnly)).outcome.decision).toBe("fail");
  });

  it("applies a waiver that names the path and expires within the limit (control)", async () => {
    const base = await mainWith(`rule: policy/iam-escalation
path: policies/checkout.json
reason: reviewed in SEC-123
approver: sec-alice
expires: "${isoDay(60)}"`);
    const { outcome, evidence } = await escalation(base);
    expect(outcome.decision).toBe("pass");
    expect(evidence.waivers.applied).toHaveLength(1);

    const finding = await mainWith(`rule: js/eval
path: "src/**"
reason: generated
approver: sec-alice
expires: "${isoDay(60)}"`);
    expect((await critical(finding)).outcome.decision).toBe("pass");
  });

  it("lets a rule-only waiver cover a high finding, and follows waiver-max-days of the base (control)", async () => {
    const base = await mainWith(
      `rule: js/eval
reason: generated
approver: sec-alice
expires: "${isoDay(300)}"`,
      "waiver-max-days: 365\n",
    );
    const head = await branch(s.repo, "high-waived", base, { "src/app.js": "export const app = eval(y);\n" });
    const sast = await s.file(
      "high-waived.sarif",
      sarifOf({
        action: "sast",
        revisionId: head,
        results: [{ ruleId: "js/eval", severity: "high", path: "src/app.js", line: 1, baselineState: "new" }],
      }),
    );
    const { outcome } = await s.gate({ sarif: sast }, await s.event({ base, head, body: ROLLBACK_BODY }));
    expect(outcome.decision).toBe("pass");
  });
});
