import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { banditScore, readBanditJson, runBandit } from "../src/adapters/bandit.ts";
import { contextOf, firing, tempTree } from "./helpers.ts";

// A name that would break anything that builds a command line: spaces, quotes, $(...), newline.
const ODD_NAME = 'odd dir/it\'s $(touch pwned) "x"\nname.py';

const FILES = {
  "app/views.py": [
    "import subprocess  # B404",
    "import hashlib",
    "",
    "def run(cmd):",
    "    subprocess.call(cmd, shell=True)  # B602",
    "",
    "def digest(data):",
    "    return hashlib.md5(data)  # B303",
  ].join("\n"),
  [ODD_NAME]: ["import pickle  # B403", "def load(b):", "    return pickle.loads(b)  # B301"].join("\n"),
  "broken.py": "def (:\n",
  "README.md": "not python",
};

describe("Bandit", () => {
  let tree: Awaited<ReturnType<typeof tempTree>>;
  let report: Awaited<ReturnType<typeof runBandit>>;
  beforeAll(async () => {
    tree = await tempTree(FILES);
    report = await runBandit(await contextOf(tree.dir));
  });
  afterAll(() => tree.cleanup());

  it("reports each test on the line it fires, odd file names included", () => {
    expect(firing(report.findings)).toEqual([
      'B301@odd dir/it\'s $(touch pwned) "x"\nname.py:3',
      "B303@app/views.py:8",
      'B403@odd dir/it\'s $(touch pwned) "x"\nname.py:1',
      "B404@app/views.py:1",
      "B602@app/views.py:5",
    ]);
    const shell = report.findings.find((f) => f.ruleId === "B602");
    expect(shell).toMatchObject({
      severity: "high",
      snippet: "    subprocess.call(cmd, shell=True)  # B602",
    });
  });

  it("gives rules CWE (from Bandit 1.7's table when Bandit does not), help and severity", () => {
    expect(report.tool).toEqual({
      name: "Bandit",
      version: "1.6.2",
      informationUri: "https://bandit.readthedocs.io/",
    });
    expect(report.rules.get("B602")).toMatchObject({
      name: "subprocess_popen_with_shell_equals_true",
      cwe: [78],
      severity: 8.0,
      helpUri: expect.stringContaining("b602_subprocess_popen_with_shell_equals_true"),
    });
    // "blacklist" names a family; the documentation anchor names the check.
    expect(report.rules.get("B403")).toMatchObject({ name: "import_pickle", cwe: [502] });
  });

  it("reports files Bandit could not parse as not checked", () => {
    expect(report.unchecked).toEqual([
      { subject: "broken.py", reason: expect.stringMatching(/^Bandit could not scan it \(syntax error/) },
    ]);
    expect(report.warnings).toEqual([]);
  });

  it("maps severity × confidence onto the ladder", () => {
    expect([
      banditScore("HIGH", "HIGH"),
      banditScore("HIGH", "LOW"),
      banditScore("LOW", "HIGH"),
      banditScore("UNDEFINED", "HIGH"),
    ]).toEqual([8, 5, 3, 0]);
  });

  it("prefers the CWE Bandit 1.7+ writes itself, and reads its columns", () => {
    const report = readBanditJson(
      {
        results: [
          {
            filename: "./a.py",
            test_id: "B602",
            test_name: "subprocess_popen_with_shell_equals_true",
            issue_severity: "HIGH",
            issue_confidence: "HIGH",
            issue_cwe: { id: 77, link: "https://cwe.mitre.org/data/definitions/77.html" },
            issue_text: "shell=True",
            line_number: 2,
            line_range: [2],
            col_offset: 4,
            end_col_offset: 36,
          },
        ],
        errors: [],
      },
      "bandit.json",
      { toolCwd: "/repo", repoRoot: "/repo" },
    );
    expect(report.rules.get("B602")?.cwe).toEqual([77]);
    expect(report.findings[0]).toMatchObject({ path: "a.py", startLine: 2, startColumn: 5, endColumn: 37 });
  });

  it("refuses output that is not a Bandit report", () => {
    expect(() =>
      readBanditJson({ results: [{ filename: "a.py" }] }, "x.json", { toolCwd: "/", repoRoot: "/" }),
    ).toThrow("x.json: results[0] lacks filename, test_id, issue_text or line_number.");
  });
});
