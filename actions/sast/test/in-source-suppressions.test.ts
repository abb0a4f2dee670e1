import { execFile } from "node:child_process";
import { chmod, readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { type Sarif, validate } from "@secflow/sarif";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBandit } from "../src/adapters/bandit.ts";
import { nosecTests } from "../src/adapters/bandit-nosec.ts";
import { runFlawfinder } from "../src/adapters/flawfinder.ts";
import { pythonComments } from "../src/adapters/python-comments.ts";
import { runSemgrep } from "../src/adapters/semgrep.ts";
import type { Finding } from "../src/report.ts";
import { contextOf, fullScanEnv, runSast, tempRepo, tempTree } from "./helpers.ts";

const exec = promisify(execFile);
const FIXTURES = path.join(import.meta.dirname, "fixtures");

/** "rule@line" of the findings a comment suppressed in source, and of the others. */
function split(findings: Finding[]) {
  const at = (f: Finding) => `${f.ruleId}@${f.startLine}`;
  return {
    suppressed: findings.filter((f) => f.suppressions?.[0]?.kind === "inSource").map(at),
    counted: findings.filter((f) => !f.suppressions).map(at),
  };
}

describe("Bandit's # nosec (the attack: a comment made a new high finding vanish)", () => {
  let repo: Awaited<ReturnType<typeof tempRepo>>;
  let log: Sarif.Log;
  let outcome: Awaited<ReturnType<typeof runSast>>["outcome"];
  beforeAll(async () => {
    repo = await tempRepo({
      "jobs/run.py": [
        "import subprocess  # nosec B404",
        "",
        "def sync(cmd):",
        "    subprocess.call(cmd, shell=True)  # nosec",
      ].join("\n"),
    });
    await repo.commit("a job");
    ({ outcome } = await runSast({ output: "sast.sarif", "fail-on": "high" }, await fullScanEnv(repo.dir)));
    log = JSON.parse(await readFile(path.join(repo.dir, "sast.sarif"), "utf8")) as Sarif.Log;
  });
  afterAll(() => repo.cleanup());

  it("keeps the finding in the SARIF, marked suppressed in source", () => {
    expect(validate(log)).toEqual({ valid: true, issues: [] });
    const bandit = log.runs.find((r) => r.tool.driver.name === "Bandit");
    const shell = bandit?.results?.find((r) => r.ruleId === "B602");
    expect(shell?.suppressions).toEqual([{ kind: "inSource" }]);
    expect(shell?.locations?.[0]?.physicalLocation?.region?.startLine).toBe(4);
    expect(bandit?.results?.find((r) => r.ruleId === "B404")?.suppressions).toEqual([{ kind: "inSource" }]);
  });

  it("does not count it against fail-on: the gate decides on in-source suppressions", () => {
    expect(outcome).toEqual({});
  });
});

describe("which findings a nosec comment covers (real Bandit)", () => {
  let tree: Awaited<ReturnType<typeof tempTree>>;
  let findings: Finding[];
  beforeAll(async () => {
    tree = await tempTree({
      "app.py": [
        "import subprocess",
        "def a(cmd):",
        "    subprocess.call(cmd, shell=True)  # nosec",
        "def b(cmd):",
        "    subprocess.call(cmd, shell=True)  # nosec B602",
        "def c(cmd):",
        "    subprocess.call(cmd, shell=True)  # nosec B101, B607",
        "def d(cmd):",
        "    subprocess.call(cmd, shell=True)  #nosec: subprocess_popen_with_shell_equals_true",
        "def e(cmd):",
        '    x = "# nosec"; subprocess.call(cmd, shell=True)',
        "def f(cmd):",
        "    subprocess.call(cmd, shell=True)",
        "def g(cmd):",
        "    subprocess.call(cmd, shell=True)  # reviewed, nosec",
        "def h(cmd):",
        "    subprocess.call(cmd, shell=True)  # nosec - trusted input",
        "def i(cmd):",
        "    subprocess.call(  # nosec",
        "        cmd,",
        "        shell=True,",
        "    )",
      ].join("\n"),
    });
    findings = (await runBandit(await contextOf(tree.dir))).findings.filter((f) => f.ruleId === "B602");
  });
  afterAll(() => tree.cleanup());

  it("a bare nosec covers its line; one naming tests covers only those; a string is not a comment", () => {
    expect(split(findings)).toEqual({
      suppressed: ["B602@3", "B602@5", "B602@9", "B602@21"],
      // c names other tests; e's "# nosec" is a string; h's free text names no test of Bandit's,
      // so it is read as naming tests: the finding stays counted rather than hidden.
      counted: ["B602@7", "B602@11", "B602@13", "B602@15", "B602@17"],
    });
  });

  it("marks exactly what Bandit itself hides, for the nosec comments every Bandit version reads alike", async () => {
    const plain = await tempTree({
      "p.py": [
        "import pickle  # nosec",
        "import subprocess",
        "def f(cmd, data):",
        "    subprocess.call(cmd, shell=True)  # nosec",
        "    subprocess.call(cmd, shell=True)",
        "    pickle.loads(data)  #nosec",
        "    return pickle.loads(data)",
      ].join("\n"),
    });
    try {
      const ours = split((await runBandit(await contextOf(plain.dir))).findings);
      const { stdout } = await exec("bandit", ["-f", "json", "-q", "--", "./p.py"], { cwd: plain.dir }).catch(
        (error: { stdout: string }) => error,
      );
      const hidden = (JSON.parse(stdout) as { results: { test_id: string; line_number: number }[] }).results;
      expect(ours.counted.sort()).toEqual(hidden.map((r) => `${r.test_id}@${r.line_number}`).sort());
      expect(ours.suppressed.sort()).toEqual(["B301@6", "B403@1", "B602@4"]);
    } finally {
      await plain.cleanup();
    }
  });

  it("reads comments as Python's tokenizer does", () => {
    const comments = pythonComments(
      [
        's = """',
        "# nosec inside a string",
        '"""  # after',
        "t = f'{d[\"#\"]} # literal' # real",
        "u = rb'\\' # still string' # end",
      ].join("\n"),
    );
    expect([...comments]).toEqual([
      [3, "# after"],
      [4, "# real"],
      [5, "# end"],
    ]);
    expect(nosecTests("# nosec")).toEqual(new Set());
    expect(nosecTests("# nosec: B602,B607")).toEqual(new Set(["b602", "b607"]));
    expect(nosecTests("# no security here")).toBeUndefined();
  });
});

describe("flawfinder's ignore comments (real flawfinder)", () => {
  const SOURCE = [
    "#include <string.h>",
    "#include <stdio.h>",
    "void f(char *a) {",
    "  char b[4];",
    "  strcpy(b, a); /* flawfinder: ignore */",
    "  /* Flawfinder: ignore */",
    "  strcpy(b, a);",
    "  strcpy(b, a); // RATS: ignore",
    "  // ITS4: ignore",
    "  strcpy(b, a);",
    "  /* flawfinder: ignore */ strcpy(b, a);",
    "  printf(a);",
    '  puts("/* flawfinder: ignore */"); strcpy(b, a);',
    "  strcpy(b, a);",
    "}",
  ].join("\n");
  let tree: Awaited<ReturnType<typeof tempTree>>;
  let findings: Finding[];
  beforeAll(async () => {
    tree = await tempTree({ "src/copy.c": SOURCE });
    findings = (await runFlawfinder(await contextOf(tree.dir))).findings;
  });
  afterAll(() => tree.cleanup());

  it("keeps every hit (--neverignore) and marks those a comment covers: its line's earlier hits, else the next line", () => {
    expect(split(findings).suppressed.sort()).toEqual(
      ["FF1001@5", "FF1001@7", "FF1001@8", "FF1001@10", "FF1016@12"].sort(),
    );
  });

  it("marks exactly the hits flawfinder itself hides", async () => {
    const { stdout } = await exec("flawfinder", ["--sarif", "--quiet", "--", "./src/copy.c"], {
      cwd: tree.dir,
    });
    const shown = (JSON.parse(stdout) as Sarif.Log).runs[0]?.results ?? [];
    const lines = shown.map((r) => `${r.ruleId}@${r.locations?.[0]?.physicalLocation?.region?.startLine}`);
    expect(split(findings).counted.sort()).toEqual(lines.sort());
    expect(lines).toContain("FF1001@11"); // the comment came first on its line: it covers line 12
    expect(lines).toContain("FF1001@13"); // the directive is in a string
  });
});

describe("Semgrep's nosemgrep", () => {
  it("runs with --disable-nosem and marks what Semgrep says a nosemgrep comment covers (is_ignored)", async () => {
    const fixture = JSON.parse(await readFile(path.join(FIXTURES, "semgrep/semgrep.json"), "utf8"));
    // Semgrep 1.85's output for the same scan with `// nosemgrep` on web/server.js:3.
    fixture.results[1].extra.is_ignored = true;
    const tree = await tempTree({
      ".semgrep.yml": "rules: []\n",
      "app/db.py":
        'def find(uid):\n    pass\n\n    cursor.execute("SELECT * FROM users WHERE id = " + uid)\n',
      "web/server.js":
        "const cp = require('child_process');\nfunction run(cmd) {\n  cp.exec(cmd); // nosemgrep\n}\n",
      "bin/semgrep.json": JSON.stringify(fixture),
      // Semgrep cannot be installed here (it needs PyPI): a stand-in prints its real output.
      "bin/semgrep": [
        "#!/usr/bin/env node",
        'const fs = require("node:fs");',
        'fs.writeFileSync(__dirname + "/argv.json", JSON.stringify(process.argv.slice(2)));',
        'process.stdout.write(fs.readFileSync(__dirname + "/semgrep.json", "utf8"));',
      ].join("\n"),
    });
    try {
      await chmod(path.join(tree.dir, "bin/semgrep"), 0o755);
      const context = await contextOf(tree.dir);
      const report = await runSemgrep({
        ...context,
        files: context.files.filter((f) => !f.startsWith("bin/")),
        env: { PATH: `${path.join(tree.dir, "bin")}:${process.env.PATH}` },
      });
      const argv = JSON.parse(await readFile(path.join(tree.dir, "bin/argv.json"), "utf8")) as string[];
      expect(argv).toContain("--disable-nosem");
      expect(report.findings.map((f) => [f.path, f.suppressions])).toEqual([
        ["app/db.py", undefined],
        ["web/server.js", [{ kind: "inSource" }]],
      ]);
    } finally {
      await tree.cleanup();
    }
  });
});

describe("ESLint's eslint-disable (unchanged)", () => {
  it("keeps the finding, marked suppressed in source", async () => {
    const repo = await tempRepo({
      "web/run.js":
        "// eslint-disable-next-line security/detect-eval-with-expression -- reviewed\neval(input);\n",
    });
    try {
      await repo.commit("eval");
      await runSast({ output: "sast.sarif" }, await fullScanEnv(repo.dir));
      const log = JSON.parse(await readFile(path.join(repo.dir, "sast.sarif"), "utf8")) as Sarif.Log;
      expect(log.runs[0]?.results?.[0]?.suppressions).toEqual([
        { kind: "inSource", justification: "reviewed" },
      ]);
    } finally {
      await repo.cleanup();
    }
  });
});
