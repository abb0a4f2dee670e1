import { writeFile } from "node:fs/promises";
import path from "node:path";
import { validate } from "@secflow/sarif";
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

let s: Scenario;
let h: History;
let cleanSast: string;

beforeAll(async () => {
  s = await scenario();
  h = await standardHistory(s.repo);
  cleanSast = await s.file("clean-sast.sarif", sarifOf({ action: "sast", revisionId: h.head, results: [] }));
});
afterAll(() => s.cleanup());

async function gate(given: Record<string, string>, head = h.head, base = h.base) {
  return s.gate(given, await s.event({ base, head, body: ROLLBACK_BODY }));
}

/** The decision and the rule and first words of each reason. */
function summary(outcome: { decision: string; reasons: { rule: string; message: string }[] }) {
  return { decision: outcome.decision, reasons: outcome.reasons.map((r) => r.rule) };
}

describe("fail closed", () => {
  it("fails when an expected category is missing, naming it", async () => {
    const { outcome, sarif } = await gate({ sarif: cleanSast, expected: "sast,sca" });
    expect(summary(outcome)).toEqual({ decision: "fail", reasons: ["gate/missing-input"] });
    expect(outcome.reasons[0]?.message).toBe(
      "Expected sca results, but no SARIF of category secflow/sca/…: did the sca job run and upload it?",
    );
    // A reason without a place of its own points at the gate's configuration.
    expect(sarif.runs[0]?.results?.[0]?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe(
      ".github/secflow.yml",
    );
    expect(validate(sarif).valid).toBe(true);
  });

  it("fails when a file, folder or glob names nothing", async () => {
    const { outcome } = await gate({
      sarif: [
        "missing.sarif",
        path.join(s.tmp, "no-such-dir/*.sarif"),
        s.tmp.replace(/$/, "/empty-dir"),
      ].join("\n"),
    });
    expect(summary(outcome)).toEqual({
      decision: "fail",
      reasons: ["gate/missing-input", "gate/missing-input", "gate/missing-input"],
    });
    expect(outcome.reasons[1]?.message).toContain("matches no file");
  });

  it.each([
    ["empty", "", /the file is empty/],
    ["truncated", '{"version":"2.1.0","runs":[{"tool":', /ends early \(truncated/],
    [
      "not secflow SARIF",
      JSON.stringify({ version: "2.1.0", runs: [{ tool: { driver: { name: "x" } }, results: [] }] }),
      /not valid secflow SARIF/,
    ],
  ])("fails on a SARIF file that is %s", async (_name, content, message) => {
    const file = await s.file(`broken-${_name.replace(/ /g, "-")}.sarif`, content);
    const { outcome } = await gate({ sarif: file });
    expect(summary(outcome)).toEqual({ decision: "fail", reasons: ["gate/invalid-input"] });
    expect(outcome.reasons[0]?.message).toMatch(message);
  });

  it("ignores SARIF that describes another commit (a stale artifact): its category is missing", async () => {
    const file = await s.file("stale.sarif", sarifOf({ action: "sast", revisionId: h.older, results: [] }));
    const { outcome } = await gate({ sarif: file, expected: "sast" });
    expect(outcome.reasons[0]?.message).toMatch(
      /describes commit [0-9a-f]{40}, not the head of the change under review/,
    );
    expect(outcome.decision).toBe("fail");
    const current = await s.file(
      "current.sarif",
      sarifOf({ action: "sast", revisionId: h.head, results: [] }),
    );
    expect((await gate({ sarif: current, expected: "sast" })).outcome.decision).toBe("pass");
  });

  it.each([
    [
      "an unknown field",
      (d: any) => Object.assign(d, { extra: true }),
      /not a policy-diff file of version 1/,
    ],
    [
      "counts that disagree with its changes",
      (d: any) => Object.assign(d, { counts: { ...d.counts, reductions: 0 } }),
      /disagree/,
    ],
    ["another head commit", (d: any) => Object.assign(d, { head: "0".repeat(40) }), /stale artifact/],
    [
      "a policy file it could not read",
      (d: any) =>
        Object.assign(d, {
          unreadable: [{ file: "k8s/rbac.yaml", ref: "head", reason: "YAML syntax error" }],
        }),
      /could not read k8s\/rbac.yaml/,
    ],
    [
      "a line of 0",
      (d: any) => Object.assign(d, { changes: [{ ...d.changes[0], line: 0 }] }),
      /must be >= 1/,
    ],
  ])("fails on a policy-diff file with %s", async (_name, edit, message) => {
    const diff = edit(policyDiff(h.base, h.head, [change({ class: "reduction", kind: "removed" })]));
    const file = await s.file(`diff-${Math.random()}.json`, diff);
    const { outcome } = await gate({ "policy-diff": file, expected: "policy" });
    expect(outcome.decision).toBe("fail");
    expect(outcome.reasons.map((r) => r.message).join("\n")).toMatch(message);
  });

  it("fails on a truncated policy-diff file", async () => {
    const text = JSON.stringify(policyDiff(h.base, h.head, []));
    const file = await s.file("truncated-diff.json", text.slice(0, text.length - 5));
    expect((await gate({ "policy-diff": file })).outcome.reasons[0]?.message).toMatch(
      /not valid JSON, perhaps truncated/,
    );
  });

  it("decides review instead where the team chose on-missing: review", async () => {
    const lenientBase = await branch(s.repo, "lenient", h.base, {
      ".github/secflow.yml": baseConfig("  on-missing: review\n"),
    });
    await s.repo.git("checkout", "-q", "-b", "lenient-feature", lenientBase);
    const head = await s.repo.commit("docs", { "README.md": "# shop\n\nLenient.\n" });
    await s.repo.git("checkout", "-q", "main");
    const { outcome } = await gate({ sarif: "missing.sarif" }, head, lenientBase);
    expect(summary(outcome)).toEqual({ decision: "review", reasons: ["gate/missing-input"] });
    // The workflow may tighten it again, never loosen it.
    expect(
      (await gate({ sarif: "missing.sarif", "on-missing": "fail" }, head, lenientBase)).outcome.decision,
    ).toBe("fail");
  });

  it("fails when the base commit's configuration does not parse, saying where", async () => {
    const brokenBase = await branch(s.repo, "broken", h.base, {
      ".github/secflow.yml": "gate:\n  escalations: sometimes\n",
    });
    await s.repo.git("checkout", "-q", "-b", "broken-feature", brokenBase);
    const head = await s.repo.commit("docs", { "README.md": "# shop\n\nBroken.\n" });
    await s.repo.git("checkout", "-q", "main");
    const { outcome } = await gate({ sarif: cleanSast }, head, brokenBase);
    expect(summary(outcome)).toEqual({ decision: "fail", reasons: ["gate/config-error"] });
    expect(outcome.reasons[0]?.message).toMatch(
      new RegExp(
        `\\.github/secflow\\.yml at commit ${brokenBase.slice(0, 12)}:2: must be one of review, fail, pass`,
      ),
    );
  });

  it("fails when the configuration the config input names is not on the base commit", async () => {
    const { outcome, evidence } = await gate({ sarif: cleanSast, config: "settings/gate.yml" });
    expect(summary(outcome)).toEqual({ decision: "fail", reasons: ["gate/config-error"] });
    expect(outcome.reasons[0]?.message).toMatch(
      /settings\/gate\.yml named by the "config" input does not exist at commit [0-9a-f]{12}/,
    );
    expect(evidence.config).toMatchObject({ file: "settings/gate.yml", found: false, explicit: true });
  });

  it("fails when the event's head commit is not in the clone", async () => {
    const { outcome, evidence } = await gate({ sarif: cleanSast }, "f".repeat(40));
    expect(summary(outcome)).toEqual({ decision: "fail", reasons: ["gate/invalid-input"] });
    expect(outcome.reasons[0]?.message).toMatch(
      /^The change cannot be read: Git ref "f{40}" does not exist .*fetch-depth: 0/,
    );
    expect(evidence.pullRequest).toBeNull();
  });

  it("fails on a shallow clone without the base commit, with the kit's missing-merge-base error", async () => {
    // What actions/checkout gives by default: the head commit alone. There is no fallback to
    // the sizes in the event: the changed files cannot be known, so the gate fails.
    const shallow = path.join(s.tmp, "shallow");
    await s.repo.git("clone", "-q", "--depth", "1", "--branch", "feature", `file://${s.repo.dir}`, shallow);
    const { outcome, evidence } = await s.gate(
      { sarif: cleanSast },
      { ...(await s.event({ base: h.base, head: h.head, body: ROLLBACK_BODY })), GITHUB_WORKSPACE: shallow },
    );
    expect(summary(outcome)).toEqual({ decision: "fail", reasons: ["gate/invalid-input"] });
    expect(outcome.reasons[0]?.message).toMatch(
      new RegExp(
        `^The change cannot be read: No merge base of the base commit ${h.base.slice(0, 12)} and the head commit ${h.head.slice(0, 12)} in the clone.*fetch-depth: 0`,
      ),
    );
    expect(evidence.pullRequest).toBeNull();
  });

  it("fails when the change itself cannot be read, and still writes its record", async () => {
    const { outcome, evidence, sarif } = await s.gate({ sarif: cleanSast, head: "no-such-branch" });
    expect(outcome.decision).toBe("fail");
    expect(outcome.reasons[0]?.message).toMatch(/^The change cannot be read/);
    expect(evidence.pullRequest).toBeNull();
    expect(validate(sarif).valid).toBe(true);
  });

  it("refuses a configuration path outside the repository as a usage error", async () => {
    await expect(gate({ config: "../elsewhere.yml" })).rejects.toThrow(
      /Input "config": "..\/elsewhere.yml" is not a file inside the repository/,
    );
  });

  it("reads a SARIF file whose name is hostile as data", async () => {
    const name = 'we\'ird $(touch pwned) "name".sarif';
    await writeFile(
      path.join(s.tmp, name),
      JSON.stringify(sarifOf({ action: "sast", revisionId: h.head, results: [] })),
    );
    const { outcome, evidence } = await gate({ sarif: path.join(s.tmp, name) });
    expect(outcome.decision).toBe("pass");
    expect(evidence.inputs.sarif[0].file).toBe(path.join(s.tmp, name));
  });
});
