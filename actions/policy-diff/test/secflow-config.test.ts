import { describe, expect, it } from "vitest";
import { brief, diffCommitsCleanedUpAfterAll } from "./repo.ts";

const CONFIG = `version: 1
team: payments
sast:
  fail-on: high
gate:
  escalations: review
  sensitive-paths: ["infra/**"]
  batch: { max-lines: 400 }
waivers:
  - rule: security/detect-eval-with-expression
    path: src/legacy/**
    reason: sandboxed
    approver: alice
    expires: 2026-12-31
`;

const diff = diffCommitsCleanedUpAfterAll();

describe("secflow configuration", () => {
  it("reports loosened gates, thresholds and waivers", async () => {
    const head = CONFIG.replace("escalations: review", "escalations: pass")
      .replace('sensitive-paths: ["infra/**"]', "sensitive-paths: []")
      .replace("fail-on: high", "fail-on: none")
      .replace("max-lines: 400", "max-lines: 4000")
      .replace("expires: 2026-12-31", "expires: 2027-06-30")
      .replace("    path: src/legacy/**\n", "");
    const { diff: d } = await diff({ ".github/secflow.yml": CONFIG }, { ".github/secflow.yml": head });
    expect(brief(d)).toEqual([
      "widened escalation/high secflow config | gate.escalations | pass",
      "removed escalation/high secflow config | gate.sensitive-paths | infra/**",
      "widened escalation/high secflow config | gate.batch.max-lines | 4000",
      "widened escalation/high secflow config | waivers | rule security/detect-eval-with-expression until 2027-06-30",
      "widened widening/medium secflow config | sast.fail-on | none",
    ]);
    expect(d.changes.find((c) => c.permission === "waivers")).toMatchObject({
      before: "waivers: rule security/detect-eval-with-expression in src/legacy/** until 2026-12-31",
      after: "waivers: rule security/detect-eval-with-expression until 2027-06-30",
    });
    expect(d.changes.find((c) => c.permission === "gate.sensitive-paths")).toMatchObject({
      side: "base",
      line: 7,
      effect: "deny",
    });
  });

  it("reports tightening as reductions and a stricter value in place of the default as narrowed", async () => {
    const head = CONFIG.replace("escalations: review", "escalations: fail").replace(
      "fail-on: high",
      "fail-on: info",
    );
    const base = CONFIG.replace("sast:\n  fail-on: high\n", "");
    const { diff: d } = await diff({ ".github/secflow.yml": base }, { ".github/secflow.yml": head });
    expect(brief(d)).toEqual([
      "narrowed reduction/info secflow config | sast.fail-on | (default)",
      "narrowed reduction/info secflow config | gate.escalations | review",
    ]);
  });

  it("reports nothing when only comments, order and quoting change", async () => {
    const head = `# reordered
waivers:
  - { expires: "2026-12-31", approver: alice, reason: sandboxed, path: "src/legacy/**", rule: security/detect-eval-with-expression }
gate:
  batch: { max-lines: 400 }
  sensitive-paths: ['infra/**']
  escalations: "review"
sast: { fail-on: high }
team: payments
version: 1
`;
    const { diff: d } = await diff({ ".github/secflow.yml": CONFIG }, { ".github/secflow.yml": head });
    expect(d.changes).toEqual([]);
  });

  it("records an invalid configuration with kit's message and line", async () => {
    const { diff: d } = await diff(
      { ".github/secflow.yml": CONFIG },
      { ".github/secflow.yml": CONFIG.replace("escalations: review", "escalations: sometimes") },
    );
    expect(d.unreadable).toEqual([
      {
        file: ".github/secflow.yml",
        ref: "head",
        reason: 'line 6: must be one of review, fail, pass, not "sometimes" (/gate/escalations)',
      },
    ]);
    expect(d.changes).toEqual([]);
  });
});

describe("secflow configuration added or removed", () => {
  it("compares a new configuration with the defaults it replaces", async () => {
    const { diff: d } = await diff(
      { "README.md": "x" },
      { ".github/secflow.yml": "version: 1\nsast:\n  tools: [eslint]\ngate:\n  escalations: fail\n" },
    );
    expect(brief(d)).toEqual([
      "narrowed widening/medium secflow config | sast.tools | *",
      "narrowed reduction/info secflow config | gate.escalations | (default)",
    ]);
  });
});

describe("secflow settings taken out", () => {
  it("treats a setting removed in favour of an unknown default as widened, shown at its base line", async () => {
    const { diff: d } = await diff(
      { ".github/secflow.yml": CONFIG },
      { ".github/secflow.yml": CONFIG.replace("  escalations: review\n", "") },
    );
    expect(brief(d)).toEqual(["widened escalation/high secflow config | gate.escalations | (default)"]);
    expect(d.changes[0]).toMatchObject({
      side: "base",
      line: 6,
      before: "gate.escalations: review",
      after: "gate.escalations: (default)",
    });
  });
});
