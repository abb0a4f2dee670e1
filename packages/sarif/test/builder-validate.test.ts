import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { cweTag, encodePath, GITHUB_LIMITS, RunBuilder, sarifLog, validate } from "../src/index.ts";
import { logOf, runOptions } from "./helpers.ts";

const clone = <T>(v: T): T => structuredClone(v);

describe("builders", () => {
  it("write a run that passes the official schema, the profile and GitHub's rules", () => {
    const log = logOf([
      {
        ruleId: "security/detect-eval-with-expression",
        path: "src/app.js",
        startLine: 3,
        snippet: "eval(input)",
      },
      {
        ruleId: "security/detect-eval-with-expression",
        path: "src/app.js",
        startLine: 9,
        snippet: "eval(input)",
      },
      {
        ruleId: "B602",
        path: "tools/my script.py",
        startLine: 1,
        snippet: "subprocess.call(cmd, shell=True)",
      },
    ]);
    expect(validate(log)).toEqual({ valid: true, issues: [] });
    const run = log.runs[0];
    expect(run?.automationDetails?.id).toBe("secflow/sast/eslint/");
    expect(run?.tool.driver.rules?.[0]?.properties?.tags).toEqual(["security", "external/cwe/cwe-078"]);
    expect(run?.tool.driver.rules?.[0]?.properties?.["security-severity"]).toBe("8.0");
    const [a, b, c] = run?.results ?? [];
    expect(a?.level).toBe("error");
    // Identical code twice in one file: same hash, distinct occurrence counters.
    expect(a?.partialFingerprints?.["secflow/v1"]).toMatch(/^[0-9a-f]{32}:1$/);
    expect(b?.partialFingerprints?.["secflow/v1"]).toBe(
      a?.partialFingerprints?.["secflow/v1"]?.replace(/:1$/, ":2"),
    );
    expect(c?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe("tools/my%20script.py");
  });

  it("keeps fingerprints when code moves within the file", () => {
    const before = logOf([{ ruleId: "r", path: "a.js", startLine: 3, snippet: "eval(x)" }]);
    const after = logOf([{ ruleId: "r", path: "a.js", startLine: 40, snippet: "  eval(x)   " }]);
    expect(after.runs[0]?.results?.[0]?.partialFingerprints).toEqual(
      before.runs[0]?.results?.[0]?.partialFingerprints,
    );
  });

  it("apply team severity overrides and categories with a team", () => {
    const run = new RunBuilder({ ...runOptions, team: "payments", severityOverrides: { r: "low" } });
    run.rule({ id: "r", shortDescription: "R", severity: 9.8 });
    run.result({ ruleId: "r", message: "m", path: "a.js", startLine: 1, category: "sast" });
    const built = run.build();
    expect(built.automationDetails?.id).toBe("secflow/sast/eslint/payments/");
    expect(built.results?.[0]?.level).toBe("note");
    expect(built.tool.driver.rules?.[0]?.properties?.["security-severity"]).toBe("2.0");
  });

  it("format CWE tags and paths", () => {
    expect([cweTag(89), cweTag("CWE-79"), cweTag("cwe-1321")]).toEqual([
      "external/cwe/cwe-089",
      "external/cwe/cwe-079",
      "external/cwe/cwe-1321",
    ]);
    expect(encodePath("./a b/c#d.js")).toBe("a%20b/c%23d.js");
  });
});

describe("validate", () => {
  const good = logOf([{ ruleId: "r", path: "a.js", startLine: 2, snippet: "x" }]);
  const issuesOf = (log: unknown) => validate(log, { skipSizeCheck: true }).issues;

  it("names the JSON pointer and what is wrong", () => {
    const log = clone(good) as any;
    delete log.runs[0].results[0].level;
    log.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    const issues = issuesOf(log);
    expect(issues).toContainEqual({
      pointer: "/runs/0/results/0",
      message: 'missing required property "level"',
      source: "secflow-profile",
    });
    expect(
      issues.some(
        (i) =>
          i.pointer === "/runs/0/results/0/locations/0/physicalLocation/region/startLine" &&
          i.source === "sarif-2.1.0",
      ),
    ).toBe(true);
  });

  it("rejects what the official schema rejects", () => {
    const log = clone(good) as any;
    log.runs[0].results[0].level = "fatal";
    expect(
      issuesOf(log).some((i) => i.source === "sarif-2.1.0" && i.pointer === "/runs/0/results/0/level"),
    ).toBe(true);
  });

  it("rejects absolute URIs, non-numeric security-severity and unpadded CWE tags", () => {
    const log = clone(good) as any;
    log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri = "file:///home/runner/a.js";
    log.runs[0].tool.driver.rules[0].properties["security-severity"] = "high";
    log.runs[0].tool.driver.rules[0].properties.tags.push("external/cwe/cwe-78");
    const pointers = issuesOf(log).map((i) => `${i.source} ${i.pointer}`);
    expect(pointers).toContain(
      "secflow-profile /runs/0/results/0/locations/0/physicalLocation/artifactLocation/uri",
    );
    expect(pointers).toContain("github /runs/0/tool/driver/rules/0/properties/security-severity");
    expect(pointers).toContain("secflow-profile /runs/0/tool/driver/rules/0/properties/tags/2");
  });

  it("requires baselineState in diff mode and levels that follow severity", () => {
    const log = clone(good) as any;
    log.runs[0].properties.secflow.mode = "diff";
    log.runs[0].results[0].level = "note";
    const messages = issuesOf(log).map((i) => `${i.pointer}: ${i.message}`);
    expect(messages).toContain('/runs/0/results/0: missing required property "baselineState"');
    expect(messages).toContain('/runs/0/results/0/level: must be "error"');
  });

  it("enforces GitHub's ingestion rules beyond the schema", () => {
    const twoRuns = sarifLog([clone(good.runs[0]!), clone(good.runs[0]!)]);
    expect(issuesOf(twoRuns)).toContainEqual(
      expect.objectContaining({ pointer: "/runs/1/automationDetails/id", source: "github" }),
    );

    const many = sarifLog(
      Array.from({ length: GITHUB_LIMITS.runsPerFile + 1 }, (_, i) => ({
        ...clone(good.runs[0]!),
        automationDetails: { id: `secflow/sast/t${i}/` },
      })),
    );
    expect(issuesOf(many).map((i) => i.message)).toContain("21 runs; GitHub accepts at most 20 per file");

    const noLocation = clone(good) as any;
    noLocation.runs[0].results[0].locations = [];
    expect(issuesOf(noLocation)).toContainEqual(
      expect.objectContaining({ message: "result has no file location; GitHub code scanning needs one" }),
    );

    const big = clone(good) as any;
    const result = big.runs[0].results[0];
    big.runs[0].results = Array.from({ length: GITHUB_LIMITS.resultsPerRun + 1 }, () => result);
    expect(issuesOf(big).map((i) => i.message)).toContain(
      "25001 results; GitHub accepts at most 25000 per run",
    );
  });

  it("rejects logs over 10 MB gzipped", () => {
    const log = clone(good) as any;
    // Random text does not compress: ~12 MB of it stays over the limit once gzipped.
    log.runs[0].results[0].message.text = randomBytes(11 * 1024 * 1024).toString("base64");
    const sized = validate(log).issues.filter((i) => i.source === "github");
    expect(sized.map((i) => i.message).join()).toMatch(/MB gzipped; GitHub accepts at most 10 MB/);
  }, 60_000);

  it("accepts a real third-party SARIF file when the profile is not asked for", () => {
    const flawfinderLike = {
      version: "2.1.0",
      $schema: "https://json.schemastore.org/sarif-2.1.0.json",
      runs: [
        {
          tool: { driver: { name: "Flawfinder", rules: [{ id: "FF1001" }] } },
          results: [
            {
              ruleId: "FF1001",
              ruleIndex: 0,
              message: { text: "m" },
              locations: [
                { physicalLocation: { artifactLocation: { uri: "a.c" }, region: { startLine: 1 } } },
              ],
            },
          ],
        },
      ],
    };
    expect(validate(flawfinderLike, { profile: false }).valid).toBe(true);
    expect(validate(flawfinderLike).valid).toBe(false);
  });
});
