import { randomBytes } from "node:crypto";
import { UserError } from "@secflow/errors";
import { describe, expect, it } from "vitest";
import { fitToGithubLimits, mergeLogs, sarifLog, validate } from "../src/index.ts";
import { logOf } from "./helpers.ts";

describe("merge", () => {
  it("keeps runs apart by category", () => {
    const sast = logOf([{ ruleId: "r", path: "a.js", startLine: 1 }]);
    const bandit = logOf([{ ruleId: "B1", path: "a.py", startLine: 1 }], { category: "bandit" });
    const merged = mergeLogs([
      { log: sast, source: "eslint.sarif" },
      { log: bandit, source: "bandit.sarif" },
    ]);
    expect(merged.runs.map((r) => r.automationDetails?.id)).toEqual([
      "secflow/sast/eslint/",
      "secflow/sast/bandit/",
    ]);
    expect(validate(merged).valid).toBe(true);
  });

  it("refuses duplicate runs, naming both files", () => {
    const log = logOf([{ ruleId: "r", path: "a.js", startLine: 1 }]);
    expect(() =>
      mergeLogs([
        { log, source: "a.sarif" },
        { log, source: "b.sarif" },
      ]),
    ).toThrow(UserError);
    expect(() =>
      mergeLogs([
        { log, source: "a.sarif" },
        { log, source: "b.sarif" },
      ]),
    ).toThrow('run 0 of b.sarif has category "secflow/sast/eslint/", already used by run 0 of a.sarif');
  });
});

describe("fitting GitHub's limits", () => {
  const mixed = () => {
    const run = logOf([{ ruleId: "r", path: "a.js", startLine: 1 }]).runs[0]!;
    const template = run.results![0]!;
    run.results = ["low", "critical", "medium", "high", "low", "critical"].map((severity, i) => ({
      ...template,
      level:
        severity === "critical" || severity === "high" ? "error" : severity === "medium" ? "warning" : "note",
      message: { text: `${severity} ${i}` },
      properties: { secflow: { severity, category: "sast" } },
    }));
    return run;
  };

  it("keeps the most severe results of an oversized run and says so", () => {
    const { logs, warnings } = fitToGithubLimits(sarifLog([mixed()]), { resultsPerRun: 3 });
    expect(logs[0]?.runs[0]?.results?.map((r) => r.message.text)).toEqual([
      "critical 1",
      "critical 5",
      "high 3",
    ]);
    expect(warnings[0]).toMatch(/kept the 3 most severe of 6 results/);
  });

  it("splits logs with too many runs", () => {
    const runs = Array.from({ length: 5 }, (_, i) => ({
      ...mixed(),
      automationDetails: { id: `secflow/sast/t${i}/` },
    }));
    const { logs, warnings } = fitToGithubLimits(sarifLog(runs), { runsPerFile: 2 });
    expect(logs.map((l) => l.runs.length)).toEqual([2, 2, 1]);
    expect(warnings).toContain("5 runs split into 3 files of at most 2");
  });

  it("drops the least severe results until the file fits the gzipped size", () => {
    const run = mixed();
    const template = run.results![0]!;
    run.results = Array.from({ length: 400 }, (_, i) => ({
      ...template,
      message: { text: `${i} ${randomBytes(200).toString("base64")}` },
      properties: { secflow: { severity: i < 50 ? "critical" : "low", category: "sast" } },
    }));
    const { logs, warnings } = fitToGithubLimits(sarifLog([run]), { gzippedBytes: 30_000 });
    const kept = logs[0]?.runs[0]?.results ?? [];
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(400);
    expect(kept.filter((r) => (r.properties as any).secflow.severity === "critical")).toHaveLength(
      Math.min(50, kept.length),
    );
    expect(warnings.join()).toMatch(/to stay under/);
  });
});
