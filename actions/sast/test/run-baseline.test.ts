import { readFile } from "node:fs/promises";
import path from "node:path";
import { type Sarif, validate } from "@secflow/sarif";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envFor, runSast, tempRepo, tempTree } from "./helpers.ts";

const SERVER_BASE = [
  'const cp = require("child_process");',
  "function run(cmd) {",
  "  cp.exec(cmd);",
  "}",
  "module.exports = run;",
];
const ETL_BASE = ["import subprocess", "", "def sync(cmd):", "    subprocess.call(cmd, shell=True)"];

/** "rule@file:line state" per result, sorted. */
async function states(file: string): Promise<string[]> {
  const log = JSON.parse(await readFile(file, "utf8")) as Sarif.Log;
  expect(validate(log)).toEqual({ valid: true, issues: [] });
  return log.runs
    .flatMap((run) =>
      (run.results ?? []).map((r) => {
        const loc = r.locations?.[0]?.physicalLocation;
        return `${r.ruleId}@${decodeURIComponent(loc?.artifactLocation?.uri ?? "")}:${loc?.region?.startLine} ${r.baselineState}`;
      }),
    )
    .sort();
}

// Base: one finding per file. The pull request inserts lines above the ESLint finding (it moves
// to line 6), adds an eval, edits the old shell=True line and adds a second one, and renames
// the file with the pickle import.
describe("marking what a pull request introduces", () => {
  let repo: Awaited<ReturnType<typeof tempRepo>>;
  let base: string;
  let earlier: Awaited<ReturnType<typeof tempTree>>;
  beforeAll(async () => {
    earlier = await tempTree({});
    repo = await tempRepo({
      "web/server.js": SERVER_BASE.join("\n"),
      "jobs/etl.py": ETL_BASE.join("\n"),
      "old/name with space.py": "import pickle\n",
    });
    base = await repo.commit("base");
    // An earlier run on the base, kept outside the checkout as a CI artifact would be.
    await runSast({ output: path.join(earlier.dir, "base.sarif") }, envFor(repo.dir));
    await repo.git("checkout", "-q", "-b", "feature");
    await repo.write({
      "web/server.js": ["// a", "// b", "// c", ...SERVER_BASE, "eval(input);"].join("\n"),
      "jobs/etl.py": [
        ...ETL_BASE.slice(0, 3),
        "    subprocess.call(cmd, shell=True)  # reviewed",
        "    subprocess.call(other, shell=True)",
      ].join("\n"),
    });
    await repo.git("mv", "old", "new");
    await repo.commit("feature");
  }, 60_000);
  afterAll(async () => {
    await repo.cleanup();
    await earlier.cleanup();
  });

  const EXPECTED_REF = [
    "B403@new/name with space.py:1 unchanged",
    "B404@jobs/etl.py:1 unchanged",
    "B602@jobs/etl.py:4 updated",
    "B602@jobs/etl.py:5 new",
    "security/detect-child-process@web/server.js:6 unchanged",
    "security/detect-eval-with-expression@web/server.js:9 new",
  ];

  it("ref: runs the tools on the base in a worktree and matches findings across moves and renames", async () => {
    const result = await runSast({ baseline: "ref", base: "main", output: "ref.sarif" }, envFor(repo.dir));
    expect(await states(path.join(repo.dir, "ref.sarif"))).toEqual(EXPECTED_REF);
    expect(result.io.outputs).toMatchObject({ "new-count": "2", "total-count": "6", "max-severity": "high" });
    const log = JSON.parse(await readFile(path.join(repo.dir, "ref.sarif"), "utf8")) as Sarif.Log;
    expect(log.runs[0]?.properties?.secflow).toMatchObject({
      mode: "diff",
      baseRef: base,
      headRef: await repo.git("rev-parse", "HEAD"),
    });
    expect(result.io.summary).toContain(
      `Compared with the base ${base.slice(0, 12)}: **2 new** of 6 finding(s).`,
    );
    // Only the new findings are annotated.
    expect(result.io.annotations.map((a) => a.properties?.title).sort()).toEqual([
      "Bandit B602 (high)",
      "ESLint security/detect-eval-with-expression (high)",
    ]);
  });

  it("changed-lines: new when on a line the pull request added or changed", async () => {
    await runSast({ baseline: "changed-lines", base: "main", output: "lines.sarif" }, envFor(repo.dir));
    expect(await states(path.join(repo.dir, "lines.sarif"))).toEqual(
      EXPECTED_REF.map((s) => s.replace("jobs/etl.py:4 updated", "jobs/etl.py:4 new")),
    );
  });

  it("a SARIF file of an earlier run works as a baseline", async () => {
    await runSast({ baseline: path.join(earlier.dir, "base.sarif"), output: "file.sarif" }, envFor(repo.dir));
    // The renamed file cannot be followed without git's help: its finding is new here.
    expect(await states(path.join(repo.dir, "file.sarif"))).toEqual(
      EXPECTED_REF.map((s) =>
        s.replace("new/name with space.py:1 unchanged", "new/name with space.py:1 new"),
      ),
    );
  });

  it("fails the step when a new finding reaches fail-on, and not for old ones", async () => {
    const high = await runSast(
      { baseline: "changed-lines", base: "main", "fail-on": "high", output: "gate.sarif" },
      envFor(repo.dir),
    );
    expect(high.outcome).toEqual({ failed: "3 new finding(s) of severity high or higher (fail-on: high)." });
    const critical = await runSast(
      { baseline: "changed-lines", base: "main", "fail-on": "critical", output: "gate.sarif" },
      envFor(repo.dir),
    );
    expect(critical.outcome).toEqual({});
  });
});
