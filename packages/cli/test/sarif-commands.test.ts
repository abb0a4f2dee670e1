import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunBuilder, sarifLog } from "@secflow/sarif";
import { beforeAll, describe, expect, it } from "vitest";
import { secflow } from "./run-cli.ts";

let dir: string;
const file = (name: string) => join(dir, name);

function log(tool: string, findings: [string, number, string][]) {
  const run = new RunBuilder({
    action: "sast",
    actionVersion: "1.0.0",
    tool: { name: tool, version: "1.0.0", informationUri: "https://example.com" },
    mode: "full",
  });
  for (const [path, line, snippet] of findings) {
    run.rule({ id: "eval", shortDescription: "eval of user input", severity: "high", cwe: [95] });
    run.result({
      ruleId: "eval",
      message: "eval of user input",
      path,
      startLine: line,
      snippet,
      category: "sast",
    });
  }
  return JSON.stringify(sarifLog([run.build()]));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "secflow-cli-"));
  await writeFile(file("base.sarif"), log("ESLint", [["a.js", 10, "eval(a)"]]));
  await writeFile(
    file("head.sarif"),
    log("ESLint", [
      ["a.js", 14, "eval(a)"],
      ["a.js", 2, "eval(b)"],
    ]),
  );
  await writeFile(file("bandit.sarif"), log("Bandit", [["a.py", 1, "exec(x)"]]));
  await writeFile(file("broken.sarif"), '{"version": "2.1.0", "runs": [');
  await writeFile(
    file("invalid.sarif"),
    JSON.stringify({
      version: "2.1.0",
      runs: [{ tool: { driver: { name: "x" } }, results: [{ message: { text: "m" } }] }],
    }),
  );
});

describe("secflow validate", () => {
  it("exits 0 for valid files", async () => {
    const { code, stdout } = await secflow(["validate", file("base.sarif"), file("bandit.sarif")]);
    expect(code).toBe(0);
    expect(stdout).toContain(`${file("base.sarif")}: valid`);
  });

  it("exits 1 listing problems with JSON pointers", async () => {
    const { code, stdout } = await secflow(["validate", file("invalid.sarif")]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/\/runs\/0\/results\/0: missing required property "ruleId" \[secflow-profile\]/);
    expect(stdout).toMatch(/result has no file location; GitHub code scanning needs one \[github\]/);
  });

  it("reports a broken file as a message, not a stack", async () => {
    const { code, stderr } = await secflow(["validate", file("broken.sarif")]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `secflow validate: ${file("broken.sarif")}: not valid JSON — the file ends early (truncated after 30 bytes?)`,
    );
  });

  it("gives usage errors exit 2", async () => {
    expect((await secflow(["validate"])).code).toBe(2);
    expect((await secflow(["validate", "--bogus", "x"])).stderr).toMatch(/Unknown option '--bogus'/);
    expect((await secflow(["frobnicate"])).code).toBe(2);
    const help = await secflow(["validate", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^secflow validate FILE/);
  });
});

describe("secflow merge", () => {
  it("merges runs of different categories into one valid file", async () => {
    const { code } = await secflow([
      "merge",
      file("base.sarif"),
      file("bandit.sarif"),
      "--output",
      file("merged.sarif"),
    ]);
    expect(code).toBe(0);
    const merged = JSON.parse(await readFile(file("merged.sarif"), "utf8"));
    expect(merged.runs.map((r: any) => r.automationDetails.id)).toEqual([
      "secflow/sast/eslint/",
      "secflow/sast/bandit/",
    ]);
    expect((await secflow(["validate", file("merged.sarif")])).code).toBe(0);
  });

  it("refuses two runs with one category", async () => {
    const { code, stderr } = await secflow([
      "merge",
      file("base.sarif"),
      file("head.sarif"),
      "-o",
      file("dup.sarif"),
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain('has category "secflow/sast/eslint/", already used by run 0 of');
  });
});

describe("secflow baseline", () => {
  it("marks new and unchanged results and writes a valid log", async () => {
    const { code, stdout } = await secflow([
      "baseline",
      "--base",
      file("base.sarif"),
      "--head",
      file("head.sarif"),
      "--output",
      file("out.sarif"),
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^1 new, 1 unchanged, 0 updated, 0 absent/);
    const out = JSON.parse(await readFile(file("out.sarif"), "utf8"));
    expect(
      out.runs[0].results.map(
        (r: any) => `${r.locations[0].physicalLocation.region.startLine}:${r.baselineState}`,
      ),
    ).toEqual(["2:new", "14:unchanged"]);
    expect((await secflow(["validate", file("out.sarif")])).code).toBe(0);
  });

  it("reports a broken file as a message naming it, not a stack", async () => {
    for (const [base, head] of [
      ["broken.sarif", "head.sarif"],
      ["base.sarif", "broken.sarif"],
    ] as const) {
      const { code, stderr } = await secflow([
        "baseline",
        "--base",
        file(base),
        "--head",
        file(head),
        "--output",
        file("never.sarif"),
      ]);
      expect(code).toBe(1);
      expect(stderr).toBe(
        `secflow baseline: ${file("broken.sarif")}: not valid JSON — the file ends early (truncated after 30 bytes?)`,
      );
    }
  });

  it("requires its three files", async () => {
    const { code, stderr } = await secflow(["baseline", "--base", file("base.sarif")]);
    expect(code).toBe(2);
    expect(stderr).toContain("--head FILE is required");
  });
});
