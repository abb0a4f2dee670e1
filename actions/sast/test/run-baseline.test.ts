import { readFile } from "node:fs/promises";
import path from "node:path";
import { MissingMergeBaseError } from "@secflow/kit";
import type { EventName } from "@secflow/kit/testing";
import { type Sarif, validate } from "@secflow/sarif";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envFor, eventEnvFor, runSast, tempRepo, tempTree } from "./helpers.ts";

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
    await runSast({ baseline: "none", output: path.join(earlier.dir, "base.sarif") }, envFor(repo.dir));
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

  // Every file is touched, so both scopes report the same: full scans the base in a worktree,
  // changed (auto, for a local run with a base) reads the earlier versions of the files alone.
  it.each([
    "full",
    "auto",
  ])("ref (scope %s): runs the tools on the base and matches findings across moves and renames", async (scope) => {
    const result = await runSast(
      { baseline: "ref", base: "main", scope, output: "ref.sarif" },
      envFor(repo.dir),
    );
    expect(await states(path.join(repo.dir, "ref.sarif"))).toEqual(EXPECTED_REF);
    expect(result.io.outputs).toMatchObject({ "new-count": "2", "total-count": "6", "max-severity": "high" });
    const log = JSON.parse(await readFile(path.join(repo.dir, "ref.sarif"), "utf8")) as Sarif.Log;
    expect(log.runs[0]?.properties?.secflow).toMatchObject({
      mode: "diff",
      baseRef: base,
      headRef: await repo.git("rev-parse", "HEAD"),
      scope: scope === "full" ? "full" : "changed",
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
    expect(high.outcome).toEqual({
      failed: "3 new finding(s) of severity high or higher (fail-on: high); see the job summary.",
    });
    const critical = await runSast(
      { baseline: "changed-lines", base: "main", "fail-on": "critical", output: "gate.sarif" },
      envFor(repo.dir),
    );
    expect(critical.outcome).toEqual({});
  });
});

// The change comes from the workflow's event. The repository's main branch is at the head, so
// comparing with the local main branch would find nothing new, and ignoring the event would
// find everything new: only the event's base gives "one unchanged, one new".
describe("the change under test, from the workflow's event", () => {
  let repo: Awaited<ReturnType<typeof tempRepo>>;
  let base: string;
  let head: string;
  beforeAll(async () => {
    repo = await tempRepo({ "web/old.js": "eval(a);\n" });
    base = await repo.commit("base");
    head = await repo.commit("head", { "web/new.js": "eval(b);\n" });
  });
  afterAll(() => repo.cleanup());

  const marked = async (file: string) =>
    (JSON.parse(await readFile(path.join(repo.dir, file), "utf8")) as Sarif.Log).runs.flatMap((run) =>
      (run.results ?? []).map(
        (r) => `${r.locations?.[0]?.physicalLocation?.artifactLocation?.uri} ${r.baselineState}`,
      ),
    );

  // scope auto: a merge group or pull request reads only the files it changes (web/old.js is
  // untouched, so not read); a push scans every file, so the branch's analysis stays complete.
  it.each<[EventName, string, "changed" | "full"]>([
    ["merge_group", "merge-group", "changed"],
    ["pull_request_review", "pull-request", "changed"],
    ["push", "push", "full"],
  ])("%s: findings are new against the event's base", async (event, source, scope) => {
    const output = `${event}.sarif`;
    const env = await eventEnvFor(repo.dir, event, { base, head }, { GITHUB_REPOSITORY: "octo-org/service" });
    const result = await runSast({ tools: "eslint", output }, env);
    const old = scope === "full" ? ["web/old.js unchanged"] : [];
    expect((await marked(output)).sort()).toEqual(["web/new.js new", ...old]);
    expect(result.io.outputs).toMatchObject({ "new-count": "1", "total-count": String(1 + old.length) });
    expect(result.log()).toContain(`(merge base ${base.slice(0, 12)}, from ${source}).`);
    const run = (JSON.parse(await readFile(path.join(repo.dir, output), "utf8")) as Sarif.Log).runs[0];
    expect(run?.properties?.secflow).toMatchObject({ mode: "diff", baseRef: base, headRef: head, scope });
    // Provenance names the change's head commit.
    expect(run?.versionControlProvenance?.[0]).toMatchObject({
      repositoryUri: "https://github.com/octo-org/service",
      revisionId: head,
    });
  });

  it("merge_group with changed-lines: new on the lines the group's head changed", async () => {
    const env = await eventEnvFor(repo.dir, "merge_group", { base, head });
    await runSast({ tools: "eslint", baseline: "changed-lines", scope: "full", output: "lines.sarif" }, env);
    expect((await marked("lines.sarif")).sort()).toEqual(["web/new.js new", "web/old.js unchanged"]);
    // In changed scope the untouched file is not read.
    await runSast({ tools: "eslint", baseline: "changed-lines", output: "lines-changed.sarif" }, env);
    expect(await marked("lines-changed.sarif")).toEqual(["web/new.js new"]);
  });

  it("a base the clone does not have is the kit's missing-merge-base error, also with auto", async () => {
    const missing = "0123456789abcdef0123456789abcdef01234567";
    const env = await eventEnvFor(repo.dir, "pull_request", { base: missing, head });
    const error = await runSast({ tools: "eslint", output: "x.sarif" }, env).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MissingMergeBaseError);
    expect((error as Error).message).toBe(
      `No merge base of the base commit ${missing.slice(0, 12)} and the head commit ${head.slice(0, 12)} in the clone, so the change cannot be told apart from what was there before (fetch it first; with actions/checkout set fetch-depth: 0).`,
    );
  });
});
