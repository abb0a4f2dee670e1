// The committed bundle, run the way the GitHub runner runs a node action: inputs as INPUT_*
// variables, outputs and the job summary through the files the runner names.

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Sarif, validate } from "@secflow/sarif";
import { afterEach, expect, it } from "vitest";
import { FIXTURES, lineOf } from "./helpers.ts";
import { eventEnv, type Workspace, workspace } from "./workspace.ts";

const DIST = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "dist", "index.js");
// A bundle built before sca 2.0.0 still sets vulnerable-count; it runs again once rebuilt
// (npm run bundle -w actions/sca), and CI's dist check fails until then.
const STALE = readFileSync(DIST, "utf8").includes("vulnerable-count");
let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.cleanup();
  ws = undefined;
});

/** Parses the runner's output file: name<<delimiter, value lines, delimiter. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i] as string);
    if (!match) continue;
    const value: string[] = [];
    while (++i < lines.length && lines[i] !== match[2]) value.push(lines[i] as string);
    outputs[match[1] as string] = value.join("\n");
  }
  return outputs;
}

it.skipIf(STALE)(
  "runs from dist/index.js on a pull request: outputs, summary, SARIF and exit code",
  async () => {
    ws = await workspace();
    await ws.copy("npm-v3-base", "web");
    await ws.copy("poetry", "api");
    const base = await ws.commit("base");
    await ws.git("checkout", "-q", "-b", "feature");
    await ws.copy("npm-v3", "web");
    const head = await ws.commit("head");
    const event = await eventEnv("pull_request", { base, head });
    const outputFile = path.join(ws.dir, "github-output");
    const summaryFile = path.join(ws.dir, "step-summary.md");
    await writeFile(outputFile, "");
    await writeFile(summaryFile, "");
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GITHUB_ACTIONS: "true",
      GITHUB_WORKSPACE: ws.dir,
      ...event,
      GITHUB_REPOSITORY: "acme/shop",
      GITHUB_SHA: head,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      "INPUT_OSV-DB": path.join(FIXTURES, "osv"),
      INPUT_OUTPUT: "reports/sca.sarif",
      "INPUT_OSV-API-URL": "https://api.osv.dev",
      "INPUT_IMPORT-FORMAT": "auto",
      INPUT_BASELINE: "auto",
      INPUT_PATH: ".",
      "INPUT_FAIL-ON": "high",
    };
    const child = spawnSync(process.execPath, [DIST], {
      cwd: ws.dir,
      env,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(child.stderr).toBe("");
    expect(child.status).toBe(1); // two new high-or-worse findings, and fail-on: high
    expect(child.stdout).toContain(
      "::error::2 new finding(s) of severity high or higher (fail-on: high); see the job summary and reports/sca.sarif.",
    );

    const outputs = parseOutputs(await readFile(outputFile, "utf8"));
    expect(outputs).toEqual({
      "sarif-file": path.join(ws.dir, "reports", "sca.sarif"),
      "new-count": "2",
      "total-count": "6",
      "max-severity": "critical",
    });
    const log = JSON.parse(await readFile(outputs["sarif-file"] as string, "utf8")) as Sarif.Log;
    expect(validate(log)).toEqual({ valid: true, issues: [] });
    expect(log.runs.map((r) => [r.automationDetails?.id, r.properties?.secflow])).toEqual([
      [
        "secflow/sca/npm/",
        expect.objectContaining({ mode: "diff", action: "sca", baseRef: base, headRef: head }),
      ],
      ["secflow/sca/pypi/", expect.objectContaining({ mode: "diff" })],
    ]);
    const pypi = log.runs[1]?.results?.[0];
    expect([
      pypi?.ruleId,
      pypi?.baselineState,
      pypi?.locations?.[0]?.physicalLocation?.region?.startLine,
    ]).toEqual([
      "GHSA-j8r2-6x86-q33q",
      "unchanged",
      await lineOf("poetry/poetry.lock", '^name = "requests"'),
    ]);

    const summary = await readFile(summaryFile, "utf8");
    expect(summary).toContain("### New vulnerable dependencies");
    expect(summary).toMatch(/\| critical \| `minimist` \| 1\\?\.2\.5 \|/);
    expect(summary).toMatch(/\| high \| `lodash` \| 4\\?\.17\.15 \| \[GHSA-p6mc-m468-83gw\]/);
  },
);
