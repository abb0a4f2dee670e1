import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { RunBuilder, type Sarif, type Severity, sarifLog, validate } from "@secflow/sarif";
import { describe, expect, it } from "vitest";
import { emitSarif, setScanOutputs } from "./emit.ts";
import { countFindings, failOnOutcome, isNew, suppressionState } from "./findings.ts";
import { consoleIO } from "./io.ts";
import { applyWaivers } from "./waivers.ts";

/** A profile run of the given results, built as every action builds them. */
function run(
  results: {
    rule: string;
    path: string;
    severity: Severity;
    state?: Sarif.Result.baselineState;
    advisory?: string;
    suppressions?: Sarif.Suppression[];
  }[],
): Sarif.Run {
  const builder = new RunBuilder({
    action: "sca",
    actionVersion: "1.0.0",
    tool: { name: "test-tool", version: "1.0.0", informationUri: "https://example.com/" },
    mode: "diff",
  });
  results.forEach((r, i) => {
    builder.rule({ id: r.rule, shortDescription: r.rule, severity: r.severity });
    builder.result({
      ruleId: r.rule,
      message: `finding ${i}`,
      path: r.path,
      startLine: i + 1,
      identity: `${r.rule}\0${i}`,
      category: "sca",
      baselineState: r.state ?? "new",
      ...(r.suppressions ? { suppressions: r.suppressions } : {}),
      ...(r.advisory ? { properties: { advisory: r.advisory, aliases: ["CVE-2021-44906"] } } : {}),
    });
  });
  return builder.build();
}

describe("findings semantics", () => {
  it("only an accepted suppression suppresses; under review and rejected ones count", () => {
    const result = (suppressions: Sarif.Suppression[]): Sarif.Result => ({
      message: { text: "" },
      suppressions,
    });
    expect(suppressionState(result([{ kind: "inSource" }]))).toBe("in-source");
    expect(suppressionState(result([{ kind: "external", status: "accepted" }]))).toBe("external");
    expect(suppressionState(result([{ kind: "inSource", status: "underReview" }]))).toBe("under-review");
    expect(suppressionState(result([{ kind: "inSource", status: "rejected" }]))).toBe("none");
    expect(isNew({ message: { text: "" } })).toBe(true);
    expect(isNew({ message: { text: "" }, baselineState: "unchanged" })).toBe(false);
  });

  it("counts new, unchanged, absent, waived, in-source and under-review findings once each", () => {
    const counts = countFindings([
      run([
        { rule: "A", path: "a.js", severity: "high" },
        { rule: "B", path: "b.js", severity: "critical", state: "unchanged" },
        { rule: "C", path: "c.js", severity: "critical", state: "absent" },
        { rule: "D", path: "d.js", severity: "critical", suppressions: [{ kind: "inSource" }] },
        {
          rule: "E",
          path: "e.js",
          severity: "critical",
          suppressions: [{ kind: "external", status: "accepted" }],
        },
        {
          rule: "F",
          path: "f.js",
          severity: "medium",
          suppressions: [{ kind: "inSource", status: "underReview" }],
        },
      ]),
    ]);
    expect(counts).toMatchObject({
      total: 3,
      new: 2,
      waived: 1,
      suppressedInSource: 1,
      underReview: 1,
      maxNewSeverity: "high",
    });
    expect(failOnOutcome(counts, "high", "the summary").failed).toBe(
      "1 new finding(s) of severity high or higher (fail-on: high); see the summary.",
    );
    expect(failOnOutcome(counts, "critical", "the summary")).toEqual({});
    expect(failOnOutcome(counts, "none", "the summary")).toEqual({});
  });
});

describe("waivers, one meaning everywhere", () => {
  const base = { reason: "accepted", approver: "@org/security", expires: "2099-12-31" };

  it("match by advisory (or alias), rule, path and fingerprint; every named part must match", () => {
    const log = sarifLog([
      run([
        {
          rule: "GHSA-xvch-5gv4-984h",
          path: "package-lock.json",
          severity: "critical",
          advisory: "GHSA-xvch-5gv4-984h",
        },
        { rule: "B101", path: "tests/test_app.py", severity: "low" },
        { rule: "B101", path: "app.py", severity: "low" },
      ]),
    ]);
    const book = applyWaivers(log, [
      { ...base, advisory: "cve-2021-44906" },
      { ...base, rule: "B101", path: "tests/**" },
    ]);
    const states = Object.fromEntries(
      (log.runs[0]?.results ?? []).map((r) => [
        r.locations?.[0]?.physicalLocation?.artifactLocation?.uri,
        suppressionState(r),
      ]),
    );
    expect(states).toEqual({
      "package-lock.json": "external",
      "tests/test_app.py": "external",
      "app.py": "none",
    });
    expect(book.applied.map((u) => u.index)).toEqual([0, 1]);
  });

  it("an expired waiver stops applying and is recorded as such", () => {
    const log = sarifLog([run([{ rule: "B101", path: "app.py", severity: "low" }])]);
    const book = applyWaivers(
      log,
      [{ ...base, rule: "B101", expires: "2020-01-01" }],
      new Date("2026-11-26"),
    );
    expect(countFindings(log.runs).total).toBe(1);
    expect(book.expiredHits).toHaveLength(1);
    expect(book.expiredUnused()).toEqual([]);
  });
});

describe("emitSarif and the shared outputs", () => {
  it("writes a log that passes the official schema, the profile and GitHub's rules, and sets the four outputs", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "secflow-emit-"));
    try {
      const io = consoleIO({ stream: { write: () => true } as unknown as NodeJS.WritableStream });
      const log = sarifLog([run([{ rule: "A", path: "a.js", severity: "medium" }])]);
      const output = path.join(dir, "out/results.sarif");
      await emitSarif(log, { output, action: "sca", io });
      expect(validate(JSON.parse(await readFile(output, "utf8"))).valid).toBe(true);
      setScanOutputs(io, output, countFindings(log.runs));
      expect(io.outputs).toEqual({
        "sarif-file": output,
        "new-count": "1",
        "total-count": "1",
        "max-severity": "medium",
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses more runs than GitHub takes in one upload, saying what to do", async () => {
    const io = consoleIO({ stream: { write: () => true } as unknown as NodeJS.WritableStream });
    const log = sarifLog(Array.from({ length: 21 }, () => run([])));
    await expect(emitSarif(log, { output: "/nonexistent/x.sarif", action: "sca", io })).rejects.toThrow(
      /21 runs are more than the 20/,
    );
  });
});

describe("coverage", () => {
  it("an incomplete run says what it did not check, passes validation, and fails the step unless warned", async () => {
    const { recordCoverage, isIncomplete, uncheckedOf, uncheckedOutcome } = await import("./coverage.ts");
    const complete = run([]);
    recordCoverage(complete, []);
    expect(isIncomplete(complete)).toBe(false);
    const partial = run([]);
    const gaps = [{ subject: "requirements.txt", reason: "merge-conflict markers at line 3" }];
    recordCoverage(partial, gaps);
    expect(isIncomplete(partial)).toBe(true);
    expect(uncheckedOf(partial)).toEqual(["Not checked: requirements.txt: merge-conflict markers at line 3"]);
    expect(validate(sarifLog([complete])).issues).toEqual([]);
    expect(validate(sarifLog([partial])).issues).toEqual([]);
    expect(uncheckedOutcome(gaps, "fail").failed).toMatch(/incomplete: requirements.txt was not checked/);
    expect(uncheckedOutcome(gaps, "warn")).toEqual({});
  });
});
