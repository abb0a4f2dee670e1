import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as Sarif from "sarif";
import { describe, expect, it } from "vitest";
import { fitToGithubLimits, mergeLogs, mergeSarifFiles, validate } from "../src/index.ts";
import { logOf } from "./helpers.ts";

const dir = await mkdtemp(join(tmpdir(), "merge-files-"));
const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;

/** A run of `n` results of mixed severity, in category `category`. */
function runOf(category: string, n: number, noise = 0): Sarif.Log {
  const log = logOf(
    Array.from({ length: n }, (_, i) => ({
      ruleId: `r${i % 3}`,
      path: `src/f${i}.js`,
      startLine: i + 1,
      snippet: `x${i}${noise ? randomBytes(noise).toString("hex") : ""}`,
    })),
    { category },
  ) as Sarif.Log;
  (log.runs[0]?.results ?? []).forEach((result, i) => {
    const severity = SEVERITIES[(i * 7) % 5] as string;
    (result.properties?.secflow as { severity: string }).severity = severity;
    result.level = severity === "medium" ? "warning" : ["low", "info"].includes(severity) ? "note" : "error";
  });
  return log;
}

async function write(name: string, log: Sarif.Log): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, JSON.stringify(log, null, 1));
  return file;
}

const key = (r: Sarif.Result) => r.partialFingerprints?.["secflow/v1"] ?? "";
const inOrder = (log: Sarif.Log) => ({
  ...log,
  runs: log.runs.map((run) => ({
    ...run,
    results: [...(run.results ?? [])].sort((a, b) => key(a).localeCompare(key(b))),
  })),
});
const read = async (file: string) => JSON.parse(await readFile(file, "utf8")) as Sarif.Log;

describe("merging files as streams", () => {
  it("writes what the in-memory merge and fit write: runs apart, trimmed by severity, split", async () => {
    const logs = Array.from({ length: 5 }, (_, i) => runOf(`tool${i}`, 3 + 4 * i));
    const files = await Promise.all(logs.map((log, i) => write(`in-${i}.sarif`, log)));
    const limits = { runsPerFile: 2, resultsPerRun: 10 };
    const streamed = await mergeSarifFiles(files, join(dir, "out.sarif"), limits);
    const whole = fitToGithubLimits(
      mergeLogs(logs.map((log, i) => ({ log, source: files[i] as string }))),
      limits,
    );
    expect(streamed.written).toHaveLength(whole.logs.length);
    expect(streamed.warnings).toEqual(whole.warnings);
    for (const [i, file] of streamed.written.entries()) {
      const got = await read(file);
      // The same results kept; the stream keeps them in their order, the in-memory fit by severity.
      expect(inOrder(got)).toEqual(inOrder(whole.logs[i] as Sarif.Log));
      expect(validate(got).valid).toBe(true);
    }
  });

  it("drops the least severe results until the file is under the gzipped limit", async () => {
    const file = await write("noisy.sarif", runOf("noisy", 400, 200));
    const out = join(dir, "small.sarif");
    const { warnings } = await mergeSarifFiles([file], out, { gzippedBytes: 20_000 });
    const kept = (await read(out)).runs[0]?.results ?? [];
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(400);
    expect(warnings).toEqual([
      expect.stringMatching(new RegExp(`kept the ${kept.length} most severe of 400 results`)),
    ]);
    const worst = (r: Sarif.Result) =>
      SEVERITIES.indexOf((r.properties?.secflow as { severity: never }).severity);
    expect(Math.max(...kept.map(worst))).toBeLessThanOrEqual(2);
  });

  it("refuses two runs with one category, and a location outside the repository", async () => {
    const a = await write("a.sarif", runOf("same", 1));
    const b = await write("b.sarif", runOf("same", 2));
    await expect(mergeSarifFiles([a, b], join(dir, "x.sarif"))).rejects.toThrow(/already used by run 0 of/);
    const bad = runOf("bad", 1);
    const location = bad.runs[0]?.results?.[0]?.locations?.[0]?.physicalLocation?.artifactLocation;
    if (location) location.uri = "src/%2e%2e/%2e%2e/etc/passwd";
    await expect(mergeSarifFiles([await write("bad.sarif", bad)], join(dir, "y.sarif"))).rejects.toThrow(
      /\/runs\/0\/results\/0\/locations\/0\/physicalLocation\/artifactLocation\/uri: .*climbs out/,
    );
  });
});
