import { readFile, symlink } from "node:fs/promises";
import path from "node:path";
import { isUserError } from "@secflow/errors";
import { which } from "@secflow/kit";
import { type Sarif, validate } from "@secflow/sarif";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envFor, eventEnvFor, fullScanEnv, runSast, tempRepo, tempTree } from "./helpers.ts";

// A small polyglot service with one known weakness per tool.
const FILES = {
  "web/server.js": [
    'const cp = require("child_process");',
    "function run(cmd) {",
    "  cp.exec(cmd);",
    "}",
    "module.exports = run;",
  ].join("\n"),
  "jobs/etl.py": ["import subprocess", "", "def sync(cmd):", "    subprocess.call(cmd, shell=True)"].join(
    "\n",
  ),
  "native/copy.c": [
    "#include <string.h>",
    "void copy(char *in) {",
    "  char buf[8];",
    "  strcpy(buf, in);",
    "}",
  ].join("\n"),
  // Installed dependencies are not the team's code.
  ".venv/lib/python3.11/site-packages/pkg/mod.py": "import pickle\n",
  // Markdown and mentions in a file name must reach the summary as text.
  "web/a|b `c` @team <b>.js": "eval(input);\n",
};

const read = async (file: string) => JSON.parse(await readFile(file, "utf8")) as Sarif.Log;

describe("a full run (a workflow_dispatch run has no base)", () => {
  let repo: Awaited<ReturnType<typeof tempRepo>>;
  let result: Awaited<ReturnType<typeof runSast>>;
  let log: Sarif.Log;
  beforeAll(async () => {
    repo = await tempRepo(FILES);
    await repo.commit("service");
    result = await runSast({ output: "out/sast.sarif" }, await fullScanEnv(repo.dir));
    log = await read(path.join(repo.dir, "out/sast.sarif"));
  });
  afterAll(() => repo.cleanup());

  it("picks the tools the repository needs and writes one valid run per tool", () => {
    expect(validate(log)).toEqual({ valid: true, issues: [] });
    expect(log.runs.map((r) => r.automationDetails?.id)).toEqual([
      "secflow/sast/eslint/",
      "secflow/sast/bandit/",
      "secflow/sast/flawfinder/",
    ]);
    const where = (run: Sarif.Run) =>
      (run.results ?? []).map(
        (r) =>
          `${r.ruleId}@${r.locations?.[0]?.physicalLocation?.artifactLocation?.uri}:${r.locations?.[0]?.physicalLocation?.region?.startLine}`,
      );
    expect(where(log.runs[0] as Sarif.Run)).toEqual([
      "security/detect-eval-with-expression@web/a%7Cb%20%60c%60%20@team%20%3Cb%3E.js:1",
      "security/detect-child-process@web/server.js:3",
    ]);
    expect(where(log.runs[1] as Sarif.Run)).toEqual(["B404@jobs/etl.py:1", "B602@jobs/etl.py:4"]);
    expect(where(log.runs[2] as Sarif.Run)).toEqual(["FF1013@native/copy.c:3", "FF1001@native/copy.c:4"]);
  });

  it("fills every result's snippet and fingerprint, and rules with CWE tags and severity", () => {
    for (const run of log.runs) {
      for (const r of run.results ?? []) {
        expect(r.locations?.[0]?.physicalLocation?.region?.snippet?.text).toBeTruthy();
        expect(r.partialFingerprints?.["secflow/v1"]).toMatch(/^[0-9a-f]{32}:1$/);
      }
    }
    const shell = log.runs[1]?.tool.driver.rules?.find((r) => r.id === "B602");
    expect(shell?.properties).toEqual({
      tags: ["security", "external/cwe/cwe-078"],
      "security-severity": "8.0",
    });
  });

  it("sets the outputs: without a baseline every finding is new, and the log says why", () => {
    expect(result.io.outputs).toEqual({
      "sarif-file": path.join(repo.dir, "out/sast.sarif"),
      "new-count": "6",
      "total-count": "6",
      "max-severity": "high",
    });
    expect(result.outcome).toEqual({});
    expect(result.log()).toContain(
      "A full scan, every finding counts as new: a workflow_dispatch run has no base commit.",
    );
  });

  it("writes a summary with counts by severity and the findings, user text escaped", () => {
    const summary = result.io.summary;
    expect(summary).toContain("| high | 4 | 4 |\n| medium | 0 | 0 |\n| low | 2 | 2 |");
    expect(summary).toContain("No baseline: all 6 finding(s) count as new.");
    expect(summary).toContain("Skipped semgrep: the repository has no Semgrep rules");
    // The file name is a code span: its pipe escaped, its backticks fenced, no HTML.
    expect(summary).toContain("| ``web/a\\|b `c` @team <b>.js:1`` |");
    expect(summary).toContain("| Found child\\_process.exec() with non Literal first argument |");
  });

  it("annotates the new findings on their lines", () => {
    expect(result.io.annotations).toContainEqual({
      level: "error",
      message: "subprocess call with shell=True identified, security issue.",
      properties: { title: "Bandit B602 (high)", file: "jobs/etl.py", startLine: 4 },
    });
    expect(result.io.annotations).toContainEqual(
      expect.objectContaining({
        level: "notice",
        properties: expect.objectContaining({ title: "Flawfinder FF1013 (low)", startLine: 3 }),
      }),
    );
    expect(result.io.annotations).toHaveLength(6);
  });
});

describe("bad input", () => {
  let repo: Awaited<ReturnType<typeof tempRepo>>;
  beforeAll(async () => {
    repo = await tempRepo({ "a.py": "import pickle\n", ".github/secflow.yml": "sast:\n  tools: [bandit]\n" });
    await repo.commit("one");
  });
  afterAll(() => repo.cleanup());

  const failure = async (inputs: Record<string, string>, env = envFor(repo.dir)) => {
    const error = await runSast(inputs, env).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isUserError(error)).toBe(true);
    return (error as Error).message;
  };

  it("names an unknown tool and the valid ones", async () => {
    expect(await failure({ tools: "eslint, pylint" })).toBe(
      'Input "tools" names "pylint", which secflow sast does not know; write auto, none, or a list of eslint, bandit, flawfinder, semgrep. (Other tools\' SARIF can be imported with "input".)',
    );
  });

  it("says how to install a selected tool that is missing", async () => {
    // A PATH with git but without bandit.
    const bin = await tempTree({});
    await symlink((await which("git")) as string, path.join(bin.dir, "git"));
    const env = { ...envFor(repo.dir), PATH: bin.dir };
    expect(await failure({}, env)).toBe(
      "bandit is selected but not installed on this runner (pip install bandit, or set install-tools: true).",
    );
    await bin.cleanup();
  });

  it("points at the line of a malformed configuration", async () => {
    await repo.write({ "bad.yml": "sast:\n  tools: [bandit]\n  rules-of: [B101]\n" });
    expect(await failure({ config: "bad.yml" })).toMatch(
      /^bad\.yml:3: unknown property "rules-of" \(did you mean "rules-off"\?\)/,
    );
  });

  it("refuses an unreadable import and a baseline that needs a base it does not have", async () => {
    expect(await failure({ input: "nope.sarif" })).toMatch(/^input .*nope\.sarif: cannot read it \(ENOENT\)/);
    expect(await failure({ baseline: "ref" }, await eventEnvFor(repo.dir, "schedule"))).toBe(
      "baseline ref: a schedule run has no base commit.",
    );
    expect(await failure({ "fail-on": "severe" })).toMatch(/^Input "fail-on": "severe" is not a severity/);
    expect(await failure({ path: "missing" })).toMatch(/^Input "path": .*missing is not a folder/);
  });
});

describe("a folder outside git (a local run)", () => {
  it("runs without a baseline and without provenance", async () => {
    const tree = await tempTree({ "x.js": "eval(code);\n" });
    try {
      const result = await runSast({ tools: "eslint", output: "x.sarif" }, envFor(tree.dir));
      const log = JSON.parse(await readFile(path.join(tree.dir, "x.sarif"), "utf8")) as Sarif.Log;
      expect(validate(log).valid).toBe(true);
      expect(log.runs[0]?.versionControlProvenance).toBeUndefined();
      expect(log.runs[0]?.results?.map((r) => r.baselineState)).toEqual([undefined]);
      expect(result.io.outputs["new-count"]).toBe("1");
    } finally {
      await tree.cleanup();
    }
  });
});

describe("the folder to scan (path)", () => {
  it("may be any folder from the command line, and only one inside the workspace on a runner", async () => {
    const workspace = await tempRepo({ "a.js": "eval(a);\n" });
    const other = await tempTree({ "x.js": "eval(code);\n" });
    try {
      await workspace.commit("one");
      const inputs = { tools: "eslint", path: other.dir, output: path.join(other.dir, "x.sarif") };
      const cli = await runSast(inputs, envFor(workspace.dir));
      const log = JSON.parse(await readFile(path.join(other.dir, "x.sarif"), "utf8")) as Sarif.Log;
      expect(
        log.runs[0]?.results?.map((r) => r.locations?.[0]?.physicalLocation?.artifactLocation?.uri),
      ).toEqual(["x.js"]);
      expect(cli.io.outputs["new-count"]).toBe("1");
      const error = await runSast(inputs, envFor(workspace.dir, { GITHUB_ACTIONS: "true" })).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isUserError(error)).toBe(true);
      expect((error as Error).message).toBe(
        `Input "path": ${other.dir} is outside the workspace ${workspace.dir}; on a runner give a folder inside the checkout.`,
      );
    } finally {
      await workspace.cleanup();
      await other.cleanup();
    }
  });
});

describe("a subfolder of the repository", () => {
  it("is scanned alone, with paths relative to the repository root, and compared with its base", async () => {
    const repo = await tempRepo({ "services/api/app.js": "eval(a);\n", "other/x.js": "eval(b);\n" });
    try {
      await repo.commit("base");
      await repo.write({ "services/api/app.js": "eval(a);\neval(c);\n" });
      await repo.commit("head");
      const result = await runSast(
        { tools: "eslint", path: "services/api", baseline: "ref", base: "HEAD~1" },
        envFor(repo.dir),
      );
      const log = JSON.parse(await readFile(path.join(repo.dir, "secflow-sast.sarif"), "utf8")) as Sarif.Log;
      expect(validate(log).valid).toBe(true);
      expect(
        log.runs[0]?.results?.map(
          (r) =>
            `${r.locations?.[0]?.physicalLocation?.artifactLocation?.uri}:${r.locations?.[0]?.physicalLocation?.region?.startLine} ${r.baselineState}`,
        ),
      ).toEqual(["services/api/app.js:1 unchanged", "services/api/app.js:2 new"]);
      expect(result.io.outputs["new-count"]).toBe("1");
    } finally {
      await repo.cleanup();
    }
  });
});
