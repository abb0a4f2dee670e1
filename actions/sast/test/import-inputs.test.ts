import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importInput } from "../src/import-inputs.ts";
import { firing, tempTree } from "./helpers.ts";

const FIXTURES = path.join(import.meta.dirname, "fixtures");
const run = promisify(execFile);

// Semgrep cannot be installed on our machines (it needs PyPI), so its parsers are tested on
// output written to Semgrep's documented JSON and SARIF formats (test/fixtures/semgrep).
describe("importing tool output", () => {
  let tree: Awaited<ReturnType<typeof tempTree>>;
  let where: { toolCwd: string; repoRoot: string };
  beforeAll(async () => {
    tree = await tempTree({
      "app/db.py":
        'import subprocess\n\ndef find(uid):\n    cursor.execute("SELECT * FROM users WHERE id = " + uid)\n',
      "web/server.js": "const cp = require('child_process');\nfunction run(cmd) {\n  cp.exec(cmd);\n}\n",
      "main.go": 'package main\n\nimport "crypto/md5"\n',
    });
    where = { toolCwd: tree.dir, repoRoot: tree.dir };
  });
  afterAll(() => tree.cleanup());

  it("reads Semgrep JSON: rules with CWE, OWASP tags, help and severity; errors become warnings", async () => {
    const [report] = await importInput(path.join(FIXTURES, "semgrep/semgrep.json"), where);
    expect(report?.key).toBe("semgrep");
    expect(report?.tool.version).toBe("1.85.0");
    expect(firing(report?.findings ?? [])).toEqual([
      "javascript.lang.security.detect-child-process.detect-child-process@web/server.js:3",
      "python.lang.security.audit.formatted-sql-query.formatted-sql-query@app/db.py:4",
    ]);
    const sql = report?.rules.get("python.lang.security.audit.formatted-sql-query.formatted-sql-query");
    expect(sql).toMatchObject({
      cwe: [89],
      helpUri: "https://sg.run/EkWw",
      severity: 5.5,
      tags: ["owasp/A01:2017 - Injection", "owasp/A03:2021 - Injection"],
    });
    // "requires login" is Semgrep's placeholder, not code: the snippet is read from the file later.
    expect(report?.findings.find((f) => f.path === "app/db.py")?.snippet).toBeUndefined();
    expect(report?.findings.find((f) => f.path === "web/server.js")).toMatchObject({
      snippet: "  cp.exec(cmd);",
      severity: "high",
    });
    expect(report?.warnings).toEqual([
      expect.stringContaining("Semgrep warn in web/legacy.js: Syntax error at line web/legacy.js:2"),
    ]);
  });

  it("reads Semgrep SARIF the same way, decoding percent-encoded URIs", async () => {
    const [report] = await importInput(path.join(FIXTURES, "semgrep/semgrep.sarif"), where);
    expect(report?.key).toBe("semgrep");
    expect(report?.tool).toMatchObject({ name: "Semgrep OSS", version: "1.85.0" });
    expect(firing(report?.findings ?? [])).toEqual([
      "javascript.lang.security.detect-child-process.detect-child-process@web/my server.js:3",
      "python.lang.security.audit.formatted-sql-query.formatted-sql-query@app/db.py:4",
    ]);
    expect(
      report?.rules.get("python.lang.security.audit.formatted-sql-query.formatted-sql-query"),
    ).toMatchObject({
      cwe: [89],
      severity: 5.5,
      tags: ["LOW CONFIDENCE", "OWASP-A01:2017 - Injection", "OWASP-A03:2021 - Injection", "security"],
    });
  });

  it("normalizes CodeQL: extension rules, security-severity, message templates, suppressions; reports what it leaves out", async () => {
    const [report] = await importInput(path.join(FIXTURES, "codeql/javascript.sarif"), where);
    expect(report?.key).toBe("codeql");
    expect(report?.tool).toMatchObject({
      name: "CodeQL",
      version: "2.17.6",
      extensions: [{ name: "codeql/javascript-queries" }],
    });
    expect(report?.rules.get("js/command-line-injection")).toMatchObject({
      severity: 9.8,
      cwe: [78, 88],
      tags: ["correctness", "security"],
    });
    const [injection, template] = report?.findings ?? [];
    expect(injection).toMatchObject({ path: "web/server.js", startLine: 3, startColumn: 11 });
    expect(template).toMatchObject({
      message: "This code execution depends on a user-provided value.",
      suppressions: [{ kind: "inSource" }],
    });
    expect(report?.warnings).toEqual([
      expect.stringContaining("1 result(s) have no file location and were left out"),
      expect.stringContaining(
        "1 result(s) point outside the repository and were left out (first: file:///opt/hostedtoolcache/node/lib/x.js)",
      ),
    ]);
    expect(report?.notes).toEqual([
      expect.stringContaining("1 result(s) are checks that passed, did not apply or are gone"),
    ]);
  });

  it("resolves absolute uriBaseIds and reads CWE from taxonomy relationships (gosec)", async () => {
    const gosec = {
      version: "2.1.0",
      runs: [
        {
          tool: {
            driver: {
              name: "gosec",
              version: "2.20.0",
              informationUri: "https://github.com/securego/gosec/",
              rules: [
                {
                  id: "G501",
                  name: "Blocklisted import crypto/md5: weak cryptographic primitive",
                  shortDescription: { text: "Blocklisted import crypto/md5: weak cryptographic primitive" },
                  defaultConfiguration: { level: "error" },
                  properties: { tags: ["security", "MEDIUM"], precision: "high" },
                  relationships: [
                    { target: { id: "327", toolComponent: { name: "CWE" } }, kinds: ["superset"] },
                  ],
                },
              ],
            },
          },
          originalUriBaseIds: { ROOT: { uri: `${pathToFileURL(tree.dir).href}/` } },
          results: [
            {
              ruleId: "G501",
              level: "error",
              message: { text: "Blocklisted import crypto/md5: weak cryptographic primitive" },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: "main.go", uriBaseId: "ROOT" },
                    region: { startLine: 3, startColumn: 8 },
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    const file = path.join(tree.dir, "gosec.sarif");
    await writeFile(file, JSON.stringify(gosec));
    const [report] = await importInput(file, { toolCwd: "/elsewhere", repoRoot: tree.dir });
    expect(firing(report?.findings ?? [])).toEqual(["G501@main.go:3"]);
    expect(report?.rules.get("G501")).toMatchObject({ cwe: [327], severity: 8.0 });
  });

  it("reads a real Bandit JSON report", async () => {
    const out = path.join(tree.dir, "bandit.json");
    await run("bandit", ["-q", "-f", "json", "-o", out, "-r", "app"], { cwd: tree.dir }).catch(
      (e: { code?: number }) => {
        if (e.code !== 1) throw e; // Bandit exits 1 when it finds something.
      },
    );
    const [report, ...others] = await importInput(out, where);
    expect(others).toEqual([]);
    expect(report?.key).toBe("bandit");
    expect(firing(report?.findings ?? [])).toEqual(["B404@app/db.py:1"]);
  });

  it("refuses what it cannot read, naming the file", async () => {
    const write = async (name: string, text: string) => {
      await writeFile(path.join(tree.dir, name), text);
      return path.join(tree.dir, name);
    };
    await expect(importInput(path.join(tree.dir, "missing.sarif"), where)).rejects.toThrow(
      /input .*missing\.sarif: cannot read it \(ENOENT\)/,
    );
    await expect(importInput(await write("garbage.json", "{ not json"), where)).rejects.toThrow(
      /garbage\.json: not JSON/,
    );
    await expect(importInput(await write("other.json", '{"hello": 1}'), where)).rejects.toThrow(
      /other\.json: not output secflow can import/,
    );
    await expect(
      importInput(await write("old.sarif", '{"version": "2.0.0", "runs": []}'), where),
    ).rejects.toThrow(/only SARIF 2\.1\.0 is supported/);
  });
});
