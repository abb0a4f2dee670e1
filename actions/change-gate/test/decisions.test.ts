import { createHash } from "node:crypto";
import { copyFile, readFile } from "node:fs/promises";
import path from "node:path";
import { validate } from "@secflow/sarif";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { change, policyDiff } from "./support/policy-diff.ts";
import { sarifOf } from "./support/sarif.ts";
import {
  branch,
  type History,
  ROLLBACK_BODY,
  type Scenario,
  scenario,
  standardHistory,
  TOKEN,
} from "./support/scenario.ts";
import { labeledEvent } from "./support/webhooks.ts";

let s: Scenario;
let h: History;

beforeAll(async () => {
  s = await scenario();
  h = await standardHistory(s.repo);
});
afterAll(() => s.cleanup());

const sha256 = async (file: string) =>
  createHash("sha256")
    .update(await readFile(file))
    .digest("hex");

describe("decisions", () => {
  it("passes a clean small change at once, with valid SARIF and a complete audit record", async () => {
    const sast = await s.file(
      "artifacts/sast/sast.sarif",
      sarifOf({
        action: "sast",
        revisionId: h.head,
        results: [
          { ruleId: "js/eval", severity: "high", path: "src/app.js", line: 1, baselineState: "unchanged" },
          { ruleId: "js/weak-hash", severity: "low", path: "src/app.js", line: 1, baselineState: "new" },
        ],
      }),
    );
    await s.file("artifacts/sca/sca.sarif", sarifOf({ action: "sca", revisionId: h.head, results: [] }));
    const diffFile = await s.file(
      "policy-diff.json",
      policyDiff(h.base, h.head, [change({ kind: "removed", class: "reduction", severity: "low" })]),
    );
    const env = await s.event({ base: h.base, head: h.head, author: "octo-dev", body: "Docs only." });
    const { outcome, io, evidence, sarif } = await s.gate(
      {
        sarif: path.join(s.tmp, "artifacts"),
        "policy-diff": diffFile,
        expected: "sast, sca, policy",
        token: TOKEN,
      },
      env,
    );
    expect(outcome.decision).toBe("pass");
    expect(outcome.failed).toBeUndefined();
    expect(io.outputs.decision).toBe("pass");
    expect(JSON.parse(io.outputs.reasons ?? "")).toEqual([]);
    // A pass needs no person: the API is not called.
    expect(s.api.requests).toEqual([]);
    expect(validate(sarif).valid).toBe(true);
    expect(sarif.runs[0]?.automationDetails?.id).toBe("secflow/change-gate/payments/");
    expect(sarif.runs[0]?.results).toEqual([]);
    expect(evidence.decision).toBe("pass");
    expect(evidence.pullRequest).toMatchObject({
      number: 2,
      author: "octo-dev",
      headSha: h.head,
      baseSha: h.base,
      size: { files: 1, lines: 2 },
    });
    expect(evidence.config).toMatchObject({ commit: h.base, found: true });
    expect(evidence.inputs.sarif.map((f: { sha256: string }) => f.sha256)).toContain(await sha256(sast));
    expect(evidence.inputs.policyDiff.sha256).toBe(await sha256(diffFile));
    expect(Date.parse(evidence.startedAt)).toBeLessThanOrEqual(Date.parse(evidence.finishedAt));
    // The new low finding and the reduction are reported, not blocking.
    expect(io.summary).toContain("Reported only");
    expect(io.summary).toMatch(/^## ✅ Change gate: pass/);
  });

  it("judges what the change adds since its merge base, under the policy of the base's tip", async () => {
    const moved = await branch(s.repo, "main-moved-on", h.base, { "CHANGES.md": "main moved on\n" });
    const { outcome, evidence, sarif } = await s.gate(
      {},
      await s.event({ base: moved, head: h.head, body: ROLLBACK_BODY }),
    );
    expect(outcome.decision).toBe("pass");
    // Only the README change is the pull request's; CHANGES.md came to main after it branched.
    expect(evidence.pullRequest).toMatchObject({
      baseSha: moved,
      mergeBaseSha: h.base,
      baseSource: "pull-request",
      files: [{ path: "README.md", status: "modified" }],
    });
    expect(evidence.config.commit).toBe(moved);
    expect(sarif.runs[0]?.properties?.secflow).toMatchObject({ baseRef: h.base, headRef: h.head });
  });

  it("fails a new high finding, reports a new medium one, and points the SARIF result at the finding", async () => {
    const sast = await s.file(
      "high.sarif",
      sarifOf({
        action: "sast",
        revisionId: h.head,
        results: [
          {
            ruleId: "js/sql-injection",
            severity: "high",
            path: "src/app.js",
            line: 1,
            baselineState: "new",
            message: "query built from input",
          },
          {
            ruleId: "js/open-redirect",
            severity: "medium",
            path: "src/app.js",
            line: 1,
            baselineState: "new",
          },
        ],
      }),
    );
    const env = await s.event({ base: h.base, head: h.head, body: ROLLBACK_BODY });
    const { outcome, sarif, io, evidence } = await s.gate({ sarif: sast }, env);
    expect(outcome.decision).toBe("fail");
    expect(outcome.failed).toMatch(/^Change gate: fail — New high sast finding js\/sql-injection/);
    expect(outcome.reasons.map((r) => [r.rule, r.verdict])).toEqual([["gate/new-finding", "fail"]]);
    // Reports read the finding from the evidence, not out of the message.
    expect(evidence.reasons[0].finding).toEqual({
      tool: "ESLint",
      category: "sast",
      severity: "high",
      ruleId: "js/sql-injection",
    });
    const [result] = sarif.runs[0]?.results ?? [];
    expect(result?.level).toBe("error");
    expect(result?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe("src/app.js");
    expect(validate(sarif).valid).toBe(true);
    expect(io.summary).toContain("js/open-redirect");
    expect(io.summary).toContain("(https://github.example/Codertocat/Hello-World/blob/");
  });

  it("treats results without a baseline state as new, and says so", async () => {
    const sast = await s.file(
      "full.sarif",
      sarifOf({
        action: "sast",
        revisionId: h.head,
        results: [{ ruleId: "js/eval", severity: "critical", path: "src/app.js", line: 1 }],
      }),
    );
    const { outcome, io } = await s.gate({ sarif: sast }, await s.event({ base: h.base, head: h.head }));
    expect(outcome.decision).toBe("fail");
    expect(io.summary).toContain("without a baseline state");
  });

  it("applies a waiver from the base commit, and stops applying an expired one", async () => {
    const sast = await s.file(
      "waived.sarif",
      sarifOf({
        action: "sast",
        revisionId: h.head,
        results: [
          {
            ruleId: "demo/waived-rule",
            severity: "critical",
            path: "src/app.js",
            line: 1,
            baselineState: "new",
          },
        ],
      }),
    );
    const waived = await s.gate({ sarif: sast }, await s.event({ base: h.base, head: h.head }));
    expect(waived.outcome.decision).toBe("pass");
    expect(waived.evidence.waivers.applied).toHaveLength(1);
    expect(waived.io.summary).toContain("false positive in generated code");

    const expiredFile = await s.file(
      "expired.sarif",
      sarifOf({
        action: "sast",
        revisionId: h.head,
        results: [
          {
            ruleId: "demo/expired-rule",
            severity: "high",
            path: "src/app.js",
            line: 1,
            baselineState: "new",
          },
        ],
      }),
    );
    const expired = await s.gate({ sarif: expiredFile }, await s.event({ base: h.base, head: h.head }));
    expect(expired.outcome.decision).toBe("fail");
    expect(expired.evidence.waivers.expiredButMatching).toHaveLength(1);
    expect(expired.io.summary).toContain("expired: the finding counts again");
  });

  it("does not trust a suppression the producer applied from the pull request's own configuration", async () => {
    const sast = await s.file(
      "suppressed.sarif",
      sarifOf({
        action: "sast",
        revisionId: h.head,
        results: [
          {
            ruleId: "js/eval",
            severity: "high",
            path: "src/app.js",
            line: 1,
            baselineState: "new",
            suppressions: [{ kind: "external", status: "accepted", justification: "waived in the PR" }],
          },
          {
            ruleId: "js/open-redirect",
            severity: "high",
            path: "src/app.js",
            line: 1,
            baselineState: "new",
            // Under review is not suppressed, in the gate as in every action (the kit's meaning).
            suppressions: [{ kind: "inSource", status: "underReview", justification: "asked" }],
          },
        ],
      }),
    );
    const { outcome, evidence } = await s.gate(
      { sarif: sast },
      await s.event({ base: h.base, head: h.head }),
    );
    expect(outcome.decision).toBe("fail");
    const messages = outcome.reasons.map((r) => r.message);
    expect(messages.find((m) => m.includes("js/eval"))).toContain("no waiver on the base commit covers it");
    expect(messages.find((m) => m.includes("js/open-redirect"))).not.toContain("suppressed");
    const rule = evidence.rules.find((r: { rule: string }) => r.rule === "new-findings");
    expect(rule.inputs).toMatchObject({ newFindings: 2, suppressedBySource: 1 });
  });

  it("ignores a pull request that relaxes its own gate: the policy comes from the base commit", async () => {
    const relaxed = await branch(s.repo, "relax", h.base, {
      ".github/secflow.yml": `version: 1
waivers:
  - rule: js/sql-injection
    reason: trust me
    approver: octo-dev
    expires: "2999-12-31"
gate:
  new-findings: { fail: none, review: none }
  escalations: pass
`,
    });
    const sast = await s.file(
      "relax.sarif",
      sarifOf({
        action: "sast",
        revisionId: relaxed,
        results: [
          { ruleId: "js/sql-injection", severity: "high", path: "src/app.js", line: 1, baselineState: "new" },
        ],
      }),
    );
    const { outcome, evidence } = await s.gate(
      { sarif: sast },
      await s.event({ base: h.base, head: relaxed, body: ROLLBACK_BODY }),
    );
    expect(outcome.decision).toBe("fail");
    expect(evidence.config.commit).toBe(h.base);
    expect(evidence.waivers.applied).toEqual([]);
    // Changing the gate's own configuration is itself a change that needs a security review.
    expect(outcome.reasons.map((r) => r.rule)).toEqual(["gate/new-finding", "gate/sensitive-path"]);
  });

  it("counts a run read twice once, and refuses two different runs of one category", async () => {
    const one = await s.file(
      "dup/a.sarif",
      sarifOf({
        action: "sast",
        revisionId: h.head,
        results: [{ ruleId: "js/eval", severity: "high", path: "src/app.js", line: 1, baselineState: "new" }],
      }),
    );
    await copyFile(one, path.join(s.tmp, "dup/b.sarif"));
    const { outcome, evidence, io } = await s.gate(
      { sarif: `${one}\n${path.join(s.tmp, "dup")}` },
      await s.event({ base: h.base, head: h.head }),
    );
    expect(outcome.reasons.filter((r) => r.rule === "gate/new-finding")).toHaveLength(1);
    expect(evidence.inputs.sarif.map((f: { runs: { counted: boolean }[] }) => f.runs[0]?.counted)).toEqual([
      true,
      false,
    ]);
    expect(io.summary).toContain("counted once");

    await s.file("dup/c.sarif", sarifOf({ action: "sast", revisionId: h.head, results: [] }));
    const conflict = await s.gate(
      { sarif: path.join(s.tmp, "dup") },
      await s.event({ base: h.base, head: h.head }),
    );
    expect(conflict.outcome.decision).toBe("fail");
    expect(
      conflict.outcome.reasons.some(
        (r) => r.rule === "gate/invalid-input" && /different results/.test(r.message),
      ),
    ).toBe(true);
  });

  it("only reports in advise mode", async () => {
    const sast = await s.file(
      "advise.sarif",
      sarifOf({
        action: "sast",
        revisionId: h.head,
        results: [{ ruleId: "js/eval", severity: "high", path: "src/app.js", line: 1, baselineState: "new" }],
      }),
    );
    const { outcome, io } = await s.gate(
      { sarif: sast, mode: "advise" },
      await s.event({ base: h.base, head: h.head }),
    );
    expect(outcome.decision).toBe("fail");
    expect(outcome.failed).toBeUndefined();
    expect(io.summary).toContain("Advise mode");

    // A review does not fail the step either (the CLI exits 0, as the runner's step passes).
    const big = await branch(s.repo, "advise-big", h.base, { "data/big.txt": "x\n".repeat(1200) });
    const review = await s.gate(
      { mode: "advise" },
      await s.event({ base: h.base, head: big, body: ROLLBACK_BODY }),
    );
    expect(review.outcome.decision).toBe("review");
    expect(review.outcome.failed).toBeUndefined();
    expect(review.evidence).toMatchObject({ mode: "advise", enforced: false });
  });

  it("asks for review of a large batch unless an allowed label says otherwise", async () => {
    const big = await branch(s.repo, "big", h.base, { "data/big.txt": "x\n".repeat(1200) });
    const large = await s.gate({}, await s.event({ base: h.base, head: big, body: ROLLBACK_BODY }));
    expect(large.outcome.decision).toBe("review");
    expect(large.outcome.reasons[0]?.message).toMatch(/1,200 changed lines, more than 1,000/);

    s.api.state.events = [labeledEvent("big-refactor", "maintainer")];
    const labelled = await s.gate(
      { token: TOKEN },
      await s.event({
        base: h.base,
        head: big,
        body: ROLLBACK_BODY,
        labels: ["big-refactor"],
        author: "octo-dev",
      }),
    );
    expect(labelled.outcome.decision).toBe("pass");
    expect(labelled.evidence.labels[0]).toMatchObject({
      name: "big-refactor",
      honoured: true,
      appliedBy: "maintainer",
    });

    s.api.state.events = [labeledEvent("big-refactor", "octo-dev")];
    const self = await s.gate(
      { token: TOKEN },
      await s.event({
        base: h.base,
        head: big,
        body: ROLLBACK_BODY,
        labels: ["big-refactor"],
        author: "octo-dev",
      }),
    );
    expect(self.outcome.decision).toBe("review");
    expect(self.evidence.labels[0].why).toMatch(/author/);
  });
});
