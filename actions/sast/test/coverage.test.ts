import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { isIncomplete, uncheckedOf } from "@secflow/kit";
import { type Sarif, validate } from "@secflow/sarif";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runEslint } from "../src/adapters/eslint.ts";
import { contextOf, fullScanEnv, runSast, tempRepo, tempTree } from "./helpers.ts";

const readLog = async (file: string) => JSON.parse(await readFile(file, "utf8")) as Sarif.Log;
const runOf = (log: Sarif.Log, tool: string) =>
  log.runs.find((r) => r.tool.driver.name === tool) as Sarif.Run;

// The attack: a Python file Bandit cannot parse, with vulnerable code in it, made "nothing found".
const PYTHON = {
  "jobs/etl.py": "import subprocess\n\ndef sync(cmd):\n    subprocess.call(cmd, shell=True)\n",
  "jobs/broken.py": "import subprocess\n\ndef run(cmd)\n    subprocess.call(cmd, shell=True)\n",
};

describe("a file a tool could not parse (the attack: a syntax error next to vulnerable code)", () => {
  let repo: Awaited<ReturnType<typeof tempRepo>>;
  let result: Awaited<ReturnType<typeof runSast>>;
  let log: Sarif.Log;
  beforeAll(async () => {
    repo = await tempRepo(PYTHON);
    await repo.commit("jobs");
    result = await runSast({ output: "sast.sarif" }, await fullScanEnv(repo.dir));
    log = await readLog(path.join(repo.dir, "sast.sarif"));
  });
  afterAll(() => repo.cleanup());

  it("is recorded in the SARIF: the run is not successful and names the file", () => {
    expect(validate(log)).toEqual({ valid: true, issues: [] });
    const bandit = runOf(log, "Bandit");
    expect(isIncomplete(bandit)).toBe(true);
    expect(uncheckedOf(bandit)).toEqual([
      expect.stringMatching(/^Not checked: jobs\/broken\.py: Bandit could not scan it \(syntax error/),
    ]);
    // What Bandit could read is still reported.
    expect(bandit.results?.map((r) => r.ruleId)).toEqual(["B404", "B602"]);
  });

  it("fails the step by default (on-unchecked: fail), naming the file", () => {
    expect(result.outcome.failed).toMatch(
      /^The scan is incomplete: jobs\/broken\.py was not checked: Bandit could not scan it \(syntax error[^)]*\)\. Fix it, or set on-unchecked: warn/,
    );
  });

  it("says it at the top of the job summary and in the log", () => {
    const summary = result.io.summary;
    expect(summary.indexOf("**Incomplete: 1 item(s) were not checked.**")).toBeGreaterThan(-1);
    expect(summary.indexOf("**Incomplete")).toBeLessThan(summary.indexOf("Analysed with"));
    expect(summary).toContain("> - jobs/broken.py: Bandit could not scan it");
    expect(result.log()).toMatch(/Not checked: jobs\/broken\.py: Bandit could not scan it/);
  });
});

describe("on-unchecked", () => {
  let repo: Awaited<ReturnType<typeof tempRepo>>;
  beforeAll(async () => {
    repo = await tempRepo({ ...PYTHON, ".github/secflow.yml": "on-unchecked: warn\n" });
    await repo.commit("jobs, and a team that accepts an incomplete scan");
  });
  afterAll(() => repo.cleanup());

  it("warn (from secflow.yml): the step passes, and the SARIF and summary still say what was not checked", async () => {
    const result = await runSast({ output: "warn.sarif" }, await fullScanEnv(repo.dir));
    expect(result.outcome).toEqual({});
    expect(isIncomplete(runOf(await readLog(path.join(repo.dir, "warn.sarif")), "Bandit"))).toBe(true);
    expect(result.io.summary).toContain("**Incomplete: 1 item(s) were not checked.**");
  });

  it("the input wins over secflow.yml; with fail-on, both reasons are said", async () => {
    const result = await runSast(
      { output: "both.sarif", "on-unchecked": "fail", "fail-on": "high" },
      await fullScanEnv(repo.dir),
    );
    expect(result.outcome.failed).toMatch(
      /^1 new finding\(s\) of severity high or higher \(fail-on: high\); see the job summary\. The scan is incomplete: jobs\/broken\.py was not checked/,
    );
  });

  it("refuses a value other than fail or warn", async () => {
    const error = await runSast({ "on-unchecked": "ignore" }, await fullScanEnv(repo.dir)).catch(
      (e: unknown) => e as Error,
    );
    expect((error as Error).message).toBe(
      'Input "on-unchecked" has an invalid value "ignore": write one of fail, warn.',
    );
  });

  it("a scan that checked everything says so and passes", async () => {
    const clean = await tempRepo({ "jobs/etl.py": PYTHON["jobs/etl.py"], "web/a.js": "eval(x);\n" });
    try {
      await clean.commit("clean");
      const result = await runSast({ output: "ok.sarif" }, await fullScanEnv(clean.dir));
      const log = await readLog(path.join(clean.dir, "ok.sarif"));
      expect(log.runs.map((r) => r.invocations)).toEqual([
        [{ executionSuccessful: true }],
        [{ executionSuccessful: true }],
      ]);
      expect(result.outcome).toEqual({});
      expect(result.io.summary).not.toContain("Incomplete");
    } finally {
      await clean.cleanup();
    }
  });
});

describe("a tool that fails (real flawfinder on a file that is not UTF-8)", () => {
  it("does not stop the scan: its run is empty and incomplete, the others report, the SARIF is written", async () => {
    const repo = await tempRepo({
      ...PYTHON,
      "native/ok.c": "void f(char *a) { char b[4]; strcpy(b, a); }\n",
    });
    try {
      await writeFile(
        path.join(repo.dir, "native/latin1.c"),
        Buffer.from("/* caf\xe9 */\nint x;\n", "latin1"),
      );
      await repo.commit("native");
      const result = await runSast(
        { tools: "bandit, flawfinder", output: "sast.sarif", "on-unchecked": "warn" },
        await fullScanEnv(repo.dir),
      );
      const log = await readLog(path.join(repo.dir, "sast.sarif"));
      expect(validate(log)).toEqual({ valid: true, issues: [] });
      const flawfinder = runOf(log, "Flawfinder");
      expect(flawfinder.results).toEqual([]);
      expect(uncheckedOf(flawfinder)).toEqual([
        expect.stringMatching(
          /^Not checked: flawfinder \(the whole run\): flawfinder failed \(exit code 15\)\. It wrote nothing to stderr\. Its output began:\nError: encoding error in \.\/native\/latin1\.c\n/,
        ),
      ]);
      expect(runOf(log, "Bandit").results?.length).toBe(2);
      expect(result.outcome).toEqual({});
    } finally {
      await repo.cleanup();
    }
  });
});

describe("a symbolic link that leads out of the repository", () => {
  let repo: Awaited<ReturnType<typeof tempRepo>>;
  let outside: Awaited<ReturnType<typeof tempTree>>;
  let result: Awaited<ReturnType<typeof runSast>>;
  let text: string;
  beforeAll(async () => {
    outside = await tempTree({
      "deploy.py":
        "import subprocess\nsubprocess.call(\"curl -H 'Authorization: token ghp_LEAKED0123'\", shell=True)\n",
    });
    repo = await tempRepo({ "jobs/etl.py": PYTHON["jobs/etl.py"] });
    await mkdir(path.join(repo.dir, "ops"), { recursive: true });
    await symlink(path.join(outside.dir, "deploy.py"), path.join(repo.dir, "ops/deploy.py"));
    // A link that stays inside the repository is scanned as any file.
    await symlink("../jobs/etl.py", path.join(repo.dir, "ops/etl-link.py"));
    await repo.commit("links");
    result = await runSast({ output: "sast.sarif", "on-unchecked": "warn" }, await fullScanEnv(repo.dir));
    text = await readFile(path.join(repo.dir, "sast.sarif"), "utf8");
  });
  afterAll(async () => {
    await repo.cleanup();
    await outside.cleanup();
  });

  it("is given to no tool: nothing of its target reaches the SARIF, the log or the summary", () => {
    expect(text).not.toContain("ghp_LEAKED0123");
    expect(result.log()).not.toContain("ghp_LEAKED0123");
    expect(result.io.summary).not.toContain("ghp_LEAKED0123");
  });

  it("is listed as not checked by the tool that would have read it", () => {
    const bandit = runOf(JSON.parse(text) as Sarif.Log, "Bandit");
    expect(uncheckedOf(bandit)).toEqual([
      "Not checked: ops/deploy.py: a symbolic link that leads out of the repository; secflow does not read through it",
    ]);
    expect(
      new Set(bandit.results?.map((r) => r.locations?.[0]?.physicalLocation?.artifactLocation?.uri)),
    ).toEqual(new Set(["jobs/etl.py", "ops/etl-link.py"]));
  });
});

describe("ESLint", () => {
  it("reports a file it could not parse as not checked, once", async () => {
    const tree = await tempTree({ "web/ok.js": "eval(x);\n", "web/bad.js": "function (\n" });
    try {
      const report = await runEslint(await contextOf(tree.dir));
      expect(report.unchecked).toEqual([
        {
          subject: "web/bad.js",
          reason: expect.stringMatching(/^ESLint could not parse it \(line 1: Parsing error/),
        },
      ]);
      expect(report.findings.map((f) => f.path)).toEqual(["web/ok.js"]);
    } finally {
      await tree.cleanup();
    }
  });
});

describe("imported output", () => {
  it("keeps what the producer said it did not check (executionSuccessful: false)", async () => {
    const repo = await tempRepo({ "main.go": "package main\n" });
    try {
      await repo.commit("go");
      await writeFile(
        path.join(repo.dir, "gosec.sarif"),
        JSON.stringify({
          version: "2.1.0",
          runs: [
            {
              tool: {
                driver: {
                  name: "gosec",
                  version: "2.20.0",
                  informationUri: "https://github.com/securego/gosec/",
                },
              },
              invocations: [
                {
                  executionSuccessful: false,
                  toolExecutionNotifications: [
                    { level: "error", message: { text: "cannot load package ./cmd" } },
                  ],
                },
              ],
              results: [],
            },
          ],
        }),
      );
      const result = await runSast(
        { input: "gosec.sarif", output: "out.sarif" },
        await fullScanEnv(repo.dir),
      );
      const run = runOf(await readLog(path.join(repo.dir, "out.sarif")), "gosec");
      expect(uncheckedOf(run)).toEqual([
        expect.stringMatching(
          /^Not checked: gosec \(imported from .*gosec\.sarif\): cannot load package \.\/cmd$/,
        ),
      ]);
      expect(result.outcome.failed).toMatch(/^The scan is incomplete: gosec \(imported from/);
    } finally {
      await repo.cleanup();
    }
  });
});
