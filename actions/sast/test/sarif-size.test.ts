import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fitToGithubLimits, RunBuilder, type Sarif, type Severity, sarifLog } from "@secflow/sarif";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capSnippet, MAX_SNIPPET_CHARS } from "../src/snippet.ts";
import { trimNewFirst } from "../src/trim-new-first.ts";
import { envFor, fullScanEnv, runSast, tempRepo } from "./helpers.ts";

describe("snippets are capped around the region", () => {
  const line = `${"a".repeat(1000)}eval(input)${"b".repeat(1000)}`;

  it("keeps a short line whole", () => {
    expect(capSnippet("  eval(input);", { startLine: 1, startColumn: 3 })).toBe("  eval(input);");
  });

  it("cuts a long line to about 200 characters centred on the flagged code, marking the cuts", () => {
    const cut = capSnippet(line, { startLine: 1, startColumn: 1001, endLine: 1, endColumn: 1012 });
    expect(cut).toMatch(/^…a+eval\(input\)b+…$/);
    expect(cut.length).toBe(MAX_SNIPPET_CHARS + 2);
    const before = cut.indexOf("eval") - 1;
    const after = cut.length - 1 - (cut.indexOf(")") + 1);
    expect(Math.abs(before - after)).toBeLessThanOrEqual(1);
  });

  it("starts at the line's start or ends at its end when the region is near one", () => {
    expect(capSnippet(line, { startLine: 1, startColumn: 1 })).toBe(`${"a".repeat(200)}…`);
    expect(capSnippet(line, { startLine: 1, startColumn: line.length })).toBe(`…${"b".repeat(200)}`);
  });

  it("keeps the start of a region longer than the cap, and never splits a character", () => {
    expect(capSnippet("x".repeat(500), { startLine: 1, startColumn: 10, endColumn: 400 })).toBe(
      `…${"x".repeat(200)}…`,
    );
    const emoji = "😀".repeat(300);
    const cut = capSnippet(emoji, { startLine: 1, startColumn: 302 });
    expect(cut.replace(/…/g, "")).toMatch(/^(😀)+$/u);
  });
});

describe("a finding on a long line", () => {
  let repo: Awaited<ReturnType<typeof tempRepo>>;
  let log: Sarif.Log;
  beforeAll(async () => {
    // 40 short lines and one of 2,000 characters: not minified by average, but one long line.
    const long = `var s = "${"x".repeat(1000)}"; eval(input); var t = "${"y".repeat(1000)}";`;
    repo = await tempRepo({ "web/page.js": [...Array(40).fill("var a = 1;"), long].join("\n") });
    await repo.commit("page");
    await runSast({ output: "out.sarif" }, await fullScanEnv(repo.dir));
    log = JSON.parse(await readFile(path.join(repo.dir, "out.sarif"), "utf8")) as Sarif.Log;
  });
  afterAll(() => repo.cleanup());

  it("writes about 200 characters of it, with the flagged code, not the whole line", () => {
    const result = log.runs[0]?.results?.[0];
    const snippet = result?.locations?.[0]?.physicalLocation?.region?.snippet?.text ?? "";
    expect(result?.ruleId).toBe("security/detect-eval-with-expression");
    expect(snippet).toContain("eval(input)");
    expect(snippet.length).toBeLessThanOrEqual(MAX_SNIPPET_CHARS + 2);
  });

  it("matches it at the base when the line changes far from it (the full line did not)", async () => {
    await repo.git("checkout", "-q", "-b", "feature");
    const text = await readFile(path.join(repo.dir, "web/page.js"), "utf8");
    // A longer name at the start moves the finding along the line; the end changes too.
    const edited = text.replace('var s = "', 'var longer = "').replace(/y";$/, 'z";');
    await repo.commit("edit far from the finding", { "web/page.js": edited });
    const result = await runSast({ baseline: "ref", base: "main", output: "ref.sarif" }, envFor(repo.dir));
    const states = (JSON.parse(await readFile(path.join(repo.dir, "ref.sarif"), "utf8")) as Sarif.Log).runs
      .flatMap((run) => run.results ?? [])
      .map((r) => `${r.ruleId} ${r.baselineState}`);
    expect(states).toEqual(["security/detect-eval-with-expression unchanged"]);
    expect(result.io.outputs).toMatchObject({ "new-count": "0", "total-count": "1" });
  });
});

/** 2,048 characters that gzip cannot shrink much, different for each seed. */
function noise(seed: number): string {
  let text = "";
  for (let i = 0; text.length < 2048; i++) text += createHash("sha256").update(`${seed}:${i}`).digest("hex");
  return text;
}

/** A run of one tool with findings of the given severity and baseline state, in this order. */
function runOf(
  findings: { severity: Severity; state: Sarif.Result.baselineState }[],
  tool = "ESLint",
): Sarif.Run {
  const builder = new RunBuilder({
    action: "sast",
    actionVersion: "1.0.0",
    tool: { name: tool, informationUri: "https://eslint.org" },
    mode: "diff",
  });
  builder.rule({ id: "r", shortDescription: "r", severity: "medium" });
  findings.forEach((f, i) => {
    builder.result({
      ruleId: "r",
      message: `finding ${i} (${f.severity}, ${f.state})`,
      path: `src/f${i}.js`,
      startLine: 1,
      snippet: `code ${i} ${noise(i)}`,
      severity: f.severity,
      baselineState: f.state,
      category: "sast",
    });
  });
  return builder.build();
}

const messages = (log: Sarif.Log) =>
  log.runs.flatMap((run) => (run.results ?? []).map((r) => r.message.text));

describe("trimming to GitHub's limits keeps new findings first", () => {
  // Unchanged high findings, and the one the pull request introduces, low.
  const log = () =>
    sarifLog([
      runOf([
        { severity: "high", state: "unchanged" },
        { severity: "high", state: "unchanged" },
        { severity: "low", state: "new" },
        { severity: "high", state: "unchanged" },
        { severity: "medium", state: "unchanged" },
      ]),
    ]);

  it("the kit's trim alone drops the new low finding: a pull request that adds one reports none (the bug)", () => {
    const fitted = fitToGithubLimits(log(), { resultsPerRun: 3 });
    expect(messages(fitted.logs[0] as Sarif.Log)).not.toContain("finding 2 (low, new)");
  });

  it("over the per-run limit: keeps the new one, then the most severe unchanged, in log order", () => {
    const warnings: string[] = [];
    const trimmed = trimNewFirst(
      log(),
      { warning: (m) => warnings.push(m) },
      { resultsPerRun: 3, gzippedBytes: 10e6 },
    );
    expect(messages(trimmed)).toEqual([
      "finding 0 (high, unchanged)",
      "finding 1 (high, unchanged)",
      "finding 2 (low, new)",
    ]);
    expect(warnings).toEqual([
      "SARIF trimmed to GitHub's limits: secflow/sast/eslint/ kept 3 of 5 results (GitHub's per-run limit), all 1 new finding(s) kept first, the least severe of the others dropped (the counts, outputs and job summary describe every finding).",
    ]);
    // What is left fits, so the kit's trim that emitSarif runs next changes nothing.
    expect(fitToGithubLimits(trimmed, { resultsPerRun: 3 }).warnings).toEqual([]);
  });

  it("over the size limit: drops unchanged results of every run before a new one", () => {
    const two = sarifLog([
      ...log().runs,
      runOf(
        [
          { severity: "critical", state: "unchanged" },
          { severity: "critical", state: "unchanged" },
        ],
        "Bandit",
      ),
    ]);
    const warnings: string[] = [];
    // Each result's snippet is 2 kB of hex digits, about 1 kB gzipped: seven do not fit in 4 kB.
    const trimmed = trimNewFirst(
      two,
      { warning: (m) => warnings.push(m) },
      { resultsPerRun: 100, gzippedBytes: 4000 },
    );
    expect(messages(trimmed)).toContain("finding 2 (low, new)");
    expect(messages(trimmed).length).toBeLessThan(7);
    expect(warnings[0]).toMatch(
      /kept \d of 7 results to stay under .* MB gzipped, all 1 new finding\(s\) kept first/,
    );
  });

  it("leaves a log that fits as it is", () => {
    const warnings: string[] = [];
    const original = log();
    expect(trimNewFirst(original, { warning: (m) => warnings.push(m) })).toBe(original);
    expect(warnings).toEqual([]);
  });
});
