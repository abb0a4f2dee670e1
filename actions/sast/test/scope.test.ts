import { existsSync } from "node:fs";
import { readdir, readFile, symlink } from "node:fs/promises";
import path from "node:path";
import { InputError, UserError } from "@secflow/errors";
import { isNew } from "@secflow/kit";
import { decodePath, type Sarif, validate } from "@secflow/sarif";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanBaseFiles } from "../src/base-scan.ts";
import { readChangeSet } from "../src/change-set.ts";
import { envFor, eventEnvFor, fullScanEnv, runSast, tempRepo } from "./helpers.ts";

// Real ESLint (built in), Bandit and flawfinder on a real repository. The pull request adds an
// eval to web/app.js, adds web/added.js, renames jobs/old_name.py (and edits it a little),
// adds a strcat to native/copy.c and deletes lib/gone.js. web/untouched.js, jobs/etl.py and
// native/untouched.c have findings the pull request does not touch.
const PICKLE = ["import pickle", "", "", "def load(blob):", "    return pickle.loads(blob)", ""];
const BASE = {
  "web/app.js": [
    'const cp = require("child_process");',
    "function run(c) {",
    "  cp.exec(c);",
    "}",
    "module.exports = run;",
    "",
  ].join("\n"),
  "web/untouched.js": "eval(input);\n",
  "lib/gone.js": "eval(gone);\n",
  "jobs/etl.py": ["import subprocess", "", "def sync(cmd):", "    subprocess.call(cmd, shell=True)", ""].join(
    "\n",
  ),
  "jobs/old_name.py": PICKLE.join("\n"),
  "native/copy.c": ["#include <string.h>", "void f(char *d, char *s) {", "  strcpy(d, s);", "}", ""].join(
    "\n",
  ),
  "native/untouched.c": ["#include <stdio.h>", "void g(char *buf) {", "  gets(buf);", "}", ""].join("\n"),
};
const HEAD = {
  "web/app.js": ["// handler", ...BASE["web/app.js"].split("\n").slice(0, -1), "eval(userInput);", ""].join(
    "\n",
  ),
  "web/added.js": 'require("child_process").exec(cmd);\n',
  "jobs/old_name.py": null,
  "jobs/new_name.py": ["# loads cached blobs", ...PICKLE].join("\n"),
  "native/copy.c": [
    "#include <string.h>",
    "void f(char *d, char *s) {",
    "  strcpy(d, s);",
    "  strcat(d, s);",
    "}",
    "",
  ].join("\n"),
  "lib/gone.js": null,
};
const TOOLS = "eslint,bandit,flawfinder";

interface Reported {
  runs: Sarif.Run[];
  /** "rule@path state" per result, sorted. */
  states: string[];
  /** Fingerprints of the new findings. */
  newPrints: Set<string>;
}

async function read(file: string): Promise<Reported> {
  const log = JSON.parse(await readFile(file, "utf8")) as Sarif.Log;
  expect(validate(log)).toEqual({ valid: true, issues: [] });
  const results = log.runs.flatMap((run) => run.results ?? []);
  return {
    runs: log.runs,
    states: results
      .map((r) => {
        const uri = r.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? "";
        return `${r.ruleId}@${decodePath(uri)} ${r.baselineState}`;
      })
      .sort(),
    newPrints: new Set(results.filter(isNew).map((r) => r.partialFingerprints?.["secflow/v1"] ?? "")),
  };
}

const secflowOf = (run: Sarif.Run | undefined) => run?.properties?.secflow as Record<string, unknown>;

describe("scope: changed reads what a pull request touches", () => {
  let repo: Awaited<ReturnType<typeof tempRepo>>;
  let base: string;
  let head: string;
  let prEnv: Record<string, string | undefined>;
  beforeAll(async () => {
    repo = await tempRepo(BASE);
    base = await repo.commit("base");
    await repo.git("checkout", "-q", "-b", "feature");
    head = await repo.commit("feature", HEAD);
    prEnv = await eventEnvFor(repo.dir, "pull_request", { base, head });
  }, 60_000);
  afterAll(() => repo.cleanup());

  it("on a pull request, reports the new findings of the changed files and nothing of the others", async () => {
    const { io } = await runSast({ tools: TOOLS, output: "changed.sarif" }, prEnv);
    const changed = await read(path.join(repo.dir, "changed.sarif"));
    expect(changed.states).toEqual(
      [
        // Renamed and edited: the pickle findings were there before, at the old path.
        "B301@jobs/new_name.py unchanged",
        "B403@jobs/new_name.py unchanged",
        "FF1005@native/copy.c new",
        "FF1001@native/copy.c unchanged",
        "security/detect-child-process@web/added.js new",
        "security/detect-child-process@web/app.js unchanged",
        "security/detect-eval-with-expression@web/app.js new",
      ].sort(),
    );
    expect(io.outputs).toMatchObject({ "new-count": "3", "total-count": "7" });
    // The SARIF says which scope ran and which files each tool read.
    const byTool = Object.fromEntries(changed.runs.map((run) => [run.tool.driver.name, secflowOf(run)]));
    expect(byTool.ESLint).toMatchObject({
      scope: "changed",
      scannedFiles: 2,
      scopeFiles: ["web/added.js", "web/app.js"],
    });
    expect(byTool.Bandit).toMatchObject({
      scope: "changed",
      scannedFiles: 1,
      scopeFiles: ["jobs/new_name.py"],
    });
    expect(byTool.Flawfinder).toMatchObject({
      scope: "changed",
      scannedFiles: 1,
      scopeFiles: ["native/copy.c"],
    });
    expect(io.summary).toContain(
      "**Scope: changed.** The tools read only the files this change adds or modifies (eslint: 2 file(s), bandit: 1 file(s), flawfinder: 1 file(s))",
    );
  }, 60_000);

  it("finds the same new findings as a full ref scan, which also reports the untouched files", async () => {
    const { io } = await runSast(
      { tools: TOOLS, scope: "full", baseline: "ref", output: "full.sarif" },
      prEnv,
    );
    const full = await read(path.join(repo.dir, "full.sarif"));
    await runSast({ tools: TOOLS, output: "changed-again.sarif" }, prEnv);
    const changed = await read(path.join(repo.dir, "changed-again.sarif"));
    expect(changed.newPrints.size).toBe(3);
    expect(changed.newPrints).toEqual(full.newPrints);
    // The untouched files' findings: read in full scope only; the deleted file's nowhere.
    const untouched = ["web/untouched.js", "jobs/etl.py", "native/untouched.c"];
    for (const file of untouched) {
      expect(full.states.some((s) => s.includes(`@${file} unchanged`))).toBe(true);
      expect(changed.states.some((s) => s.includes(`@${file} `))).toBe(false);
    }
    expect([...full.states, ...changed.states].some((s) => s.includes("lib/gone.js"))).toBe(false);
    expect(full.runs.map((run) => secflowOf(run)?.scope)).toEqual(["full", "full", "full"]);
    expect(secflowOf(full.runs[0])).not.toHaveProperty("scopeFiles");
    expect(io.summary).not.toContain("Scope: changed");
  }, 60_000);

  it("scans every file on a run with no base, and on a push (the branch's analysis stays whole)", async () => {
    await runSast({ tools: "eslint", output: "dispatch.sarif" }, await fullScanEnv(repo.dir));
    const pushEnv = await eventEnvFor(repo.dir, "push", { base, head });
    const { log } = await runSast({ tools: "eslint", output: "push.sarif" }, pushEnv);
    for (const file of ["dispatch.sarif", "push.sarif"]) {
      const run = (await read(path.join(repo.dir, file))).runs[0];
      expect(secflowOf(run)).toMatchObject({ scope: "full", scannedFiles: 3 });
    }
    expect(log()).toContain(
      "Scope: full (a push run scans every file, so the branch's analysis stays complete)",
    );
  }, 60_000);

  it("scope: changed needs a base; an unknown scope is a bad input", async () => {
    const noBase = runSast(
      { tools: "eslint", scope: "changed", output: "x.sarif" },
      await fullScanEnv(repo.dir),
    );
    await expect(noBase).rejects.toThrow(UserError);
    await expect(noBase).rejects.toThrow(
      "scope: changed needs a base commit to compare with, and there is none (a workflow_dispatch run has no base commit); give the base input, or set scope: full.",
    );
    await expect(runSast({ scope: "diff", output: "x.sarif" }, envFor(repo.dir))).rejects.toThrow(InputError);
  });

  it("reads the earlier versions alone: the base folder holds just the files asked for, as the base has them", async () => {
    const change = await readChangeSet(repo.dir, base);
    expect([...change.earlier].sort()).toEqual([
      ["jobs/new_name.py", "jobs/old_name.py"],
      ["native/copy.c", "native/copy.c"],
      ["web/app.js", "web/app.js"],
    ]);
    expect([...change.renames]).toEqual([["jobs/old_name.py", "jobs/new_name.py"]]);
    const checkout = { root: repo.dir, scanRoot: repo.dir, prefix: "", isGit: true };
    const status = await repo.git("status", "--porcelain", "--untracked-files=all");
    let folder = "";
    const seen = await scanBaseFiles(checkout, base, [...change.earlier.values()], async (at) => {
      folder = at.root;
      const files = (await readdir(at.root, { recursive: true, withFileTypes: true }))
        .filter((e) => e.isFile() && e.name !== ".git")
        .map((e) => path.relative(at.root, path.join(e.parentPath, e.name)));
      return [
        {
          files: files.sort(),
          app: await readFile(path.join(at.root, "web/app.js"), "utf8"),
          isGit: at.isGit,
        },
      ];
    });
    expect(seen).toEqual([
      { files: ["jobs/old_name.py", "native/copy.c", "web/app.js"], app: BASE["web/app.js"], isGit: false },
    ]);
    // No worktree is left, the folder is gone, and the repository's index and files are as they were.
    expect((await repo.git("worktree", "list")).trim().split("\n")).toHaveLength(1);
    expect(existsSync(folder)).toBe(false);
    expect(await repo.git("status", "--porcelain", "--untracked-files=all")).toBe(status);
  });
});

describe("tools that read every file in changed scope", () => {
  let repo: Awaited<ReturnType<typeof tempRepo>>;
  afterAll(() => repo.cleanup());

  it("the repository's own ESLint config may hold cross-file rules: ESLint reads every file, and says why", async () => {
    repo = await tempRepo({
      ".gitignore": "node_modules/\n",
      "eslint.config.mjs":
        'import security from "eslint-plugin-security";\nexport default [security.configs.recommended];\n',
      "web/untouched.js": "eval(input);\n",
      "py/untouched.py": "import pickle\n",
    });
    const modules = path.resolve(import.meta.dirname, "../../../node_modules");
    await repo.write({ "node_modules/.keep": "" });
    for (const name of ["eslint", "eslint-plugin-security"])
      await symlink(path.join(modules, name), path.join(repo.dir, "node_modules", name), "dir");
    const base = await repo.commit("base");
    await repo.git("checkout", "-q", "-b", "feature");
    const head = await repo.commit("feature", {
      "web/new.js": "eval(other);\n",
      "py/new.py": "import pickle\n",
    });
    const env = await eventEnvFor(repo.dir, "pull_request", { base, head });
    const { log, io } = await runSast({ tools: "eslint,bandit", output: "out.sarif" }, env);
    const reported = await read(path.join(repo.dir, "out.sarif"));
    expect(reported.states).toEqual([
      "B403@py/new.py new",
      "security/detect-eval-with-expression@web/new.js new",
      "security/detect-eval-with-expression@web/untouched.js unchanged",
    ]);
    const eslint = secflowOf(reported.runs[0]);
    expect(eslint).toMatchObject({
      scope: "full",
      // eslint.config.mjs is JavaScript too.
      scannedFiles: 3,
      scopeNote:
        "read every file: it runs the repository's own ESLint config (eslint.config.mjs), whose rules may read other files",
    });
    expect(secflowOf(reported.runs[1])).toMatchObject({ scope: "changed", scannedFiles: 1 });
    expect(log()).toContain("Scope: eslint reads every file: it runs the repository's own ESLint config");
    expect(io.summary).toContain("- eslint read every file: it runs the repository");
  }, 60_000);
});

describe("what per-file tools need beside the changed files", () => {
  let repo: Awaited<ReturnType<typeof tempRepo>>;
  afterAll(() => repo.cleanup());

  it("a Bandit config named in sast.args is placed beside the earlier versions, so the base scan runs with it", async () => {
    repo = await tempRepo({
      ".github/secflow.yml": "version: 1\nsast:\n  args:\n    bandit: [-c, bandit.yml]\n",
      "bandit.yml": "skips: [B403]\n",
      "jobs/old_name.py": PICKLE.join("\n"),
    });
    const base = await repo.commit("base");
    await repo.git("checkout", "-q", "-b", "feature");
    await repo.git("mv", "jobs/old_name.py", "jobs/new_name.py");
    const head = await repo.commit("rename");
    const env = await eventEnvFor(repo.dir, "pull_request", { base, head });
    const { log } = await runSast({ tools: "bandit", output: "out.sarif" }, env);
    // B403 is skipped by the config at both commits; B301 was there before the rename. Without
    // the config at the base, Bandit would fail there and B301 would count as new.
    expect((await read(path.join(repo.dir, "out.sarif"))).states).toEqual([
      "B301@jobs/new_name.py unchanged",
    ]);
    expect(log()).not.toContain("did not complete on the base");
  }, 60_000);

  it("a change to that config makes the tool read every file; so do Semgrep rules that read across files", async () => {
    const { toolScopes } = await import("../src/tool-scope.ts");
    const scope = { kind: "changed", mergeBaseSha: "", why: "" } as const;
    const where = (config: object) => ({ repoRoot: repo.dir, scanRoot: repo.dir, config });
    const change = (named: string[]) => ({
      mergeBaseSha: "",
      touched: new Set(named),
      earlier: new Map(),
      renames: new Map(),
      named: new Set(named),
      untracked: new Set<string>(),
    });
    const banditArgs = { sast: { args: { bandit: ["-c", "bandit.yml"] } } };
    expect((await toolScopes(scope, change(["bandit.yml"]), ["bandit"], where(banditArgs))).whole).toEqual(
      new Map([["bandit", "the change edits bandit.yml, which sast.args.bandit names"]]),
    );
    expect((await toolScopes(scope, change(["a.py"]), ["bandit"], where(banditArgs))).perFile).toEqual(
      new Map([["bandit", ["bandit.yml"]]]),
    );
    // Semgrep: the repository's own rules are per-file unless one reads across files.
    await repo.write({ ".semgrep.yml": "rules:\n  - id: x\n    pattern: eval(...)\n" });
    const semgrep = (named: string[], config = {}) =>
      toolScopes(scope, change(named), ["semgrep"], where(config));
    expect((await semgrep(["a.py"])).perFile).toEqual(new Map([["semgrep", [".semgrep.yml"]]]));
    expect((await semgrep([".semgrep.yml"])).whole.get("semgrep")).toBe(
      "the change edits its rules (.semgrep.yml)",
    );
    expect(
      (await semgrep(["a.py"], { sast: { args: { semgrep: ["--config", "p/default"] } } })).whole.get(
        "semgrep",
      ),
    ).toBe("sast.args.semgrep may name rules that read across files");
    await repo.write({
      ".semgrep.yml": "rules:\n  - id: x\n    options:\n      interfile: true\n    pattern: eval(...)\n",
    });
    expect((await semgrep(["a.py"])).whole.get("semgrep")).toBe(".semgrep.yml has inter-file or join rules");
  });
});
