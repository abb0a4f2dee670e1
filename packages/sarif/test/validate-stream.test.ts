import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as Sarif from "sarif";
import { describe, expect, it } from "vitest";
import { GITHUB_LIMITS, validate, validateSarifFile } from "../src/index.ts";
import { logOf } from "./helpers.ts";

const dir = await mkdtemp(join(tmpdir(), "validate-stream-"));
let files = 0;
async function fileOf(log: unknown): Promise<string> {
  const file = join(dir, `${files++}.sarif`);
  await writeFile(file, JSON.stringify(log));
  return file;
}

const sorted = (issues: { pointer: string; message: string; source: string }[]) =>
  issues.map((i) => `${i.pointer} ${i.message} [${i.source}]`).sort();

/** A valid two-result log, changed by `edit`. */
function broken(edit: (log: Sarif.Log, results: Sarif.Result[]) => void): Sarif.Log {
  const log = logOf([
    { ruleId: "js/eval", path: "src/a.js", startLine: 3, snippet: "eval(x)" },
    { ruleId: "js/exec", path: "src/b.js", startLine: 9, snippet: "exec(y)" },
  ]) as Sarif.Log;
  edit(log, log.runs[0]?.results ?? []);
  return log;
}

const cases: Record<string, Sarif.Log> = {
  valid: broken(() => {}),
  "a result without a level": broken((_, [a]) => {
    delete (a as Partial<Sarif.Result>).level;
  }),
  "an encoded traversal": broken((_, [, b]) => {
    const location = b?.locations?.[0]?.physicalLocation?.artifactLocation;
    if (location) location.uri = "src/%2e%2e/%2e%2e/etc/passwd";
  }),
  "a ruleIndex that names another rule": broken((_, [a]) => {
    if (a) a.ruleIndex = 1;
  }),
  "a ruleIndex past the rules": broken((_, [a]) => {
    if (a) a.ruleIndex = 7;
  }),
  "a diff-mode run without baseline states": broken((log) => {
    (log.runs[0]?.properties?.secflow as { mode: string }).mode = "diff";
  }),
  "an unknown result property": broken((_, [a]) => {
    (a as unknown as Record<string, unknown>).colour = "red";
  }),
  "a rule with a bad security-severity": broken((log) => {
    const rule = log.runs[0]?.tool.driver.rules?.[0];
    if (rule?.properties) rule.properties["security-severity"] = "very";
  }),
  "two runs with one category": broken((log) => {
    log.runs.push(structuredClone(log.runs[0] as Sarif.Run));
  }),
  "a result without a location": broken((_, [a]) => {
    delete a?.locations;
  }),
};

describe("validating a SARIF file as a stream", () => {
  for (const [name, log] of Object.entries(cases)) {
    it(`finds what validate finds in ${name}`, async () => {
      const streamed = await validateSarifFile(await fileOf(log));
      const whole = validate(log);
      expect(sorted(streamed.issues)).toEqual(sorted(whole.issues));
      expect(streamed.valid).toBe(name === "valid");
    });
  }

  it("counts results past GitHub's limit per run", async () => {
    const log = broken((_, results) => {
      const [a] = results;
      for (let i = results.length; i <= GITHUB_LIMITS.resultsPerRun; i++) {
        results.push({
          ...(a as Sarif.Result),
          message: { text: `${i} ${Math.random().toString(36).repeat(12)}` },
        });
      }
    });
    const streamed = await validateSarifFile(await fileOf(log));
    expect(sorted(streamed.issues)).toEqual(sorted(validate(log).issues));
    expect(streamed.issues.map((i) => i.message)).toContainEqual(expect.stringMatching(/25001 results/));
  });
});
