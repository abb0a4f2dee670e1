import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script, no types
import { bundleAction } from "../../../scripts/bundle-action.mjs";
// @ts-expect-error: a plain .mjs script, no types
import { copyPgliteAssets, PGLITE_ASSETS } from "../scripts/pglite-assets.mjs";
import { simulateHistory, writeHistory } from "../src/simulate.ts";

// The action as the runner runs it: one bundled file (built here by scripts/bundle-action.mjs,
// into a temp folder, not dist/) plus PGlite's WebAssembly and data
// files beside it, started with `node index.js` outside the repository (no node_modules to
// fall back on, nothing native, nothing downloaded).

let tmp: string;
let bundle: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "flow-report-bundle-"));
  const dist = path.join(tmp, "action", "dist");
  bundle = path.join(dist, "index.js");
  await bundleAction(path.join(import.meta.dirname, "..", "src", "index.ts"), bundle);
  copyPgliteAssets(dist);
}, 60_000);

afterAll(() => rm(tmp, { recursive: true, force: true }));

function runBundle(env: Record<string, string>): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle], {
      cwd: tmp,
      env: { PATH: process.env.PATH ?? "", ...env },
    });
    let stdout = "";
    child.stdout.on("data", (d) => {
      stdout += String(d);
    });
    child.stderr.on("data", (d) => {
      stdout += String(d);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout }));
  });
}

describe("the bundled action", () => {
  it("reports from a folder of evidence with only dist/ on disk", async () => {
    const workspace = path.join(tmp, "workspace");
    const now = new Date("2026-11-26T12:00:00Z");
    await writeHistory(
      path.join(workspace, "evidence"),
      simulateHistory({
        teams: ["a", "b"],
        repositoriesPerTeam: 1,
        weeks: 2,
        pullRequestsPerRepositoryWeek: 2,
        now,
      }),
    );
    const outputFile = path.join(tmp, "output");
    const summaryFile = path.join(tmp, "summary.md");
    await writeFile(outputFile, "");
    await writeFile(summaryFile, "");
    await mkdir(path.join(workspace, ".secflow"), { recursive: true });
    const { code, stdout } = await runBundle({
      GITHUB_ACTIONS: "true",
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      INPUT_EVIDENCE: "evidence",
      INPUT_DATABASE: ".secflow/flow-report.db.tar",
      INPUT_OUTPUT: "flow-report",
      INPUT_NOW: now.toISOString(),
      INPUT_TOKEN: "",
    });
    expect(stdout).not.toMatch(/::error/);
    expect(code).toBe(0);
    expect(await readFile(outputFile, "utf8")).toMatch(/^pull-requests<<.*\n8\n/m);
    expect(await readFile(summaryFile, "utf8")).toContain("## Security review flow");
    expect((await stat(path.join(workspace, "flow-report", "index.html"))).size).toBeGreaterThan(1000);
    expect((await stat(path.join(workspace, ".secflow", "flow-report.db.tar"))).size).toBeGreaterThan(0);
    // What the bundle weighs, for the README.
    const sizes = await Promise.all(
      [bundle, ...PGLITE_ASSETS.map((a: string) => path.join(path.dirname(bundle), a))].map((f) => stat(f)),
    );
    expect(sizes.reduce((sum, s) => sum + s.size, 0)).toBeLessThan(40 * 1024 * 1024);
  });
});
