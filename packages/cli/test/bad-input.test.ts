import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunBuilder, sarifLog } from "@secflow/sarif";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secflow } from "./run-cli.ts";

// Every SARIF command × every class of bad input: exit 1 or 2, one clear line naming the
// problem, no stack trace, and no output file written as if all were well.

let dir: string;
const file = (name: string) => join(dir, name);

function validLog(uri = "src/app.js"): string {
  const run = new RunBuilder({
    action: "sast",
    actionVersion: "1.0.0",
    tool: { name: "ESLint", version: "9.0.0", informationUri: "https://eslint.org" },
    mode: "full",
  });
  run.rule({ id: "eval", shortDescription: "eval of user input", severity: "high" });
  run.result({
    ruleId: "eval",
    message: "eval",
    path: "placeholder.js",
    startLine: 1,
    snippet: "eval(a)",
    category: "sast",
  });
  const log = sarifLog([run.build()]);
  const location = log.runs[0]?.results?.[0]?.locations?.[0]?.physicalLocation?.artifactLocation;
  if (location) location.uri = uri;
  return JSON.stringify(log);
}

const CASES: Record<string, () => Promise<string>> = {
  empty: async () => "",
  truncated: async () => validLog().slice(0, 200),
  "not UTF-8": async () => "\xff\xfe{\x00",
  "not SARIF": async () => JSON.stringify({ hello: "world" }),
  "nested 5,000 deep": async () => {
    const bag = `${'{"a":'.repeat(5000)}{}${"}".repeat(5000)}`;
    return validLog().replace('"properties":{', `"properties":{"deep":${bag},`);
  },
  "traversal URI": async () => validLog("src/%2e%2e/%2E%2E/etc/passwd"),
  "duplicate runs": async () => {
    const log = JSON.parse(validLog());
    log.runs.push(log.runs[0]);
    return JSON.stringify(log);
  },
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "secflow-bad-input-"));
  for (const [name, make] of Object.entries(CASES)) {
    const text = await make();
    await writeFile(file(`${name}.sarif`), name === "not UTF-8" ? Buffer.from(text, "latin1") : text);
  }
  await writeFile(file("good.sarif"), validLog());
  // Larger than any SARIF file secflow reads, without writing it: sparse files. 600 MB once
  // crashed every command (past V8's longest string); 2 GB is the issue's multi-GB case.
  execFileSync("truncate", ["-s", "600M", file("huge.sarif")]);
  execFileSync("truncate", ["-s", "2G", file("2 GB.sarif")]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const COMMANDS: Record<string, (input: string) => string[]> = {
  validate: (input) => ["validate", input],
  merge: (input) => ["merge", input, "--output", file("merged.sarif")],
  baseline: (input) => [
    "baseline",
    "--base",
    file("good.sarif"),
    "--head",
    input,
    "--output",
    file("marked.sarif"),
  ],
};

describe.each(Object.keys(COMMANDS))("secflow %s on bad input", (command) => {
  it.each([
    ...Object.keys(CASES),
    "huge",
  ])("%s: exits 1 or 2 with one clear line and no stack", async (name) => {
    const args = (COMMANDS[command] as (input: string) => string[])(file(`${name}.sarif`));
    const { code, stderr, stdout } = await secflow(args);
    // baseline streams its head and marks what it finds; duplicate categories and traversal URIs
    // are for validate (and merge) to refuse, so it passes them through unchanged.
    const tolerated = command === "baseline" && ["duplicate runs", "traversal URI"].includes(name);
    if (tolerated) {
      expect(code, stderr).toBe(0);
      return;
    }
    expect(code, `${stdout}\n${stderr}`).toBeGreaterThanOrEqual(1);
    expect(code).toBeLessThanOrEqual(2);
    expect(stderr).not.toMatch(/^\s+at .+\(.*:\d+:\d+\)$/m);
    expect(stderr).not.toMatch(/RangeError|TypeError|Maximum call stack/);
    // Every command streams a file of any size: 600 MB of NUL bytes is not JSON, said at once.
    const huge = "not valid JSON — expected a SARIF log object at byte 0";
    expect(`${stdout}\n${stderr}`).toMatch(new RegExp(["huge", "2 GB"].includes(name) ? huge : ".+"));
  });
});

describe("validate names what is wrong", () => {
  it("refuses an encoded traversal URI, pointing at it", async () => {
    const { code, stdout, stderr } = await secflow(["validate", file("traversal URI.sarif")]);
    expect(code).toBe(1);
    expect(`${stdout}\n${stderr}`).toMatch(/climbs out of the repository once decoded/);
  });

  it("refuses a log nested 5,000 deep in one line", async () => {
    const { code, stderr } = await secflow(["validate", file("nested 5,000 deep.sarif")]);
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/nested more than 100 levels deep/);
  });

  it("accepts a good log (positive control)", async () => {
    const { code } = await secflow(["validate", file("good.sarif")]);
    expect(code).toBe(0);
  });
});
