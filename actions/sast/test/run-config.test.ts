import { mkdir, readFile, symlink } from "node:fs/promises";
import path from "node:path";
import { isUserError } from "@secflow/errors";
import { type Sarif, validate } from "@secflow/sarif";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fullScanEnv, runSast, tempRepo, tempTree } from "./helpers.ts";

const FIXTURES = path.join(import.meta.dirname, "fixtures");

const CONFIG = `version: 1
team: payments
ignore-paths: ["vendor/**"]
severity-overrides:
  security/detect-non-literal-regexp: critical
waivers:
  - rule: B101
    path: "tools/**"
    reason: asserts in tooling are fine
    approver: org/security
    expires: "2999-12-31"
  - rule: B403
    reason: pickle of trusted data only
    approver: alice
    expires: "2020-01-01"
sast:
  tools: [eslint, bandit]
  rules-off: [security/detect-eval-with-expression]
  args:
    bandit: ["--skip", "B303"]
  fail-on: medium
`;

const FILES = {
  ".github/secflow.yml": CONFIG,
  "src/app.js": ["eval(input);", "export const re = new RegExp(pattern);"].join("\n"),
  "tools/check.py": ["import pickle", "import hashlib", "assert pickle", "hashlib.md5(b'x')"].join("\n"),
  "vendor/lib.js": "new RegExp(x);\n",
};

const readLog = async (file: string) => JSON.parse(await readFile(file, "utf8")) as Sarif.Log;

describe("the team's tuning in secflow.yml", () => {
  let repo: Awaited<ReturnType<typeof tempRepo>>;
  let result: Awaited<ReturnType<typeof runSast>>;
  let log: Sarif.Log;
  beforeAll(async () => {
    repo = await tempRepo(FILES);
    await repo.commit("tuned");
    result = await runSast({}, await fullScanEnv(repo.dir));
    log = await readLog(path.join(repo.dir, "secflow-sast.sarif"));
  });
  afterAll(() => repo.cleanup());

  it("runs the configured tools with their arguments, in the team's categories", () => {
    expect(validate(log)).toEqual({ valid: true, issues: [] });
    expect(log.runs.map((r) => r.automationDetails?.id)).toEqual([
      "secflow/sast/eslint/payments/",
      "secflow/sast/bandit/payments/",
    ]);
    // B303 (md5) is skipped through sast.args.bandit; vendor/** is ignored; eval is turned off.
    expect(
      log.runs.flatMap((r) =>
        (r.results ?? []).map((x) => `${x.ruleId}:${x.locations?.[0]?.physicalLocation?.region?.startLine}`),
      ),
    ).toEqual(["security/detect-non-literal-regexp:2", "B403:1", "B101:3"]);
  });

  it("applies severity overrides to the rule and its results", () => {
    const eslint = log.runs[0] as Sarif.Run;
    expect(eslint.tool.driver.rules?.[0]?.properties?.["security-severity"]).toBe("9.5");
    expect(eslint.results?.[0]).toMatchObject({
      level: "error",
      properties: { secflow: { severity: "critical" } },
    });
  });

  it("suppresses waived findings with reason, approver and expiry, and reports expired waivers", () => {
    const assert = log.runs[1]?.results?.find((r) => r.ruleId === "B101");
    expect(assert?.suppressions).toEqual([
      {
        kind: "external",
        status: "accepted",
        justification: "asserts in tooling are fine (approved by org/security, expires 2999-12-31)",
        properties: { secflow: { approver: "org/security", expires: "2999-12-31" } },
      },
    ]);
    expect(log.runs[1]?.results?.find((r) => r.ruleId === "B403")?.suppressions).toBeUndefined();
    expect(result.io.annotations).toContainEqual({
      level: "warning",
      message: "Waiver 2 (rule B403) expired on 2020-01-01; its 1 finding(s) are reported again.",
    });
    expect(result.io.summary).toContain("Not counted: 1 waived in secflow.yml, 0 suppressed in the code.");
  });

  it("counts what is reported and fails on the configured threshold; the input overrides it", async () => {
    expect(result.io.outputs).toMatchObject({
      "new-count": "2",
      "total-count": "2",
      "max-severity": "critical",
    });
    expect(result.outcome).toEqual({
      failed: "1 new finding(s) of severity medium or higher (fail-on: medium); see the job summary.",
    });
    const relaxed = await runSast(
      { "fail-on": "none", output: "relaxed.sarif" },
      await fullScanEnv(repo.dir),
    );
    expect(relaxed.outcome).toEqual({});
  });

  it("waives one finding by its secflow/v1 fingerprint", async () => {
    const fingerprint =
      log.runs[1]?.results?.find((r) => r.ruleId === "B403")?.partialFingerprints?.["secflow/v1"] ?? "";
    await repo.write({
      ".github/secflow.yml": `${CONFIG.replace("sast:", `  - fingerprint: "${fingerprint}"\n    reason: reviewed\n    approver: bob\n    expires: "2999-01-01"\nsast:`)}`,
    });
    const again = await runSast({ output: "fp.sarif" }, await fullScanEnv(repo.dir));
    const b403 = (await readLog(path.join(repo.dir, "fp.sarif"))).runs[1]?.results?.find(
      (r) => r.ruleId === "B403",
    );
    expect(b403?.suppressions?.[0]?.justification).toBe("reviewed (approved by bob, expires 2999-01-01)");
    expect(again.io.outputs["total-count"]).toBe("1");
  });
});

describe("importing existing output instead of running tools", () => {
  let repo: Awaited<ReturnType<typeof tempRepo>>;
  beforeAll(async () => {
    repo = await tempRepo({
      "app/db.py":
        'import subprocess\n\ndef find(uid):\n    cursor.execute("SELECT * FROM users WHERE id = " + uid)\n',
      "web/server.js":
        "const cp = require('child_process');\nfunction run(cmd) {\n  cp.exec(cmd);\n  eval(cmd);\n}\n",
    });
    await repo.commit("app");
  });
  afterAll(() => repo.cleanup());

  it("normalizes CodeQL and Semgrep output into valid runs of their own, running no tool", async () => {
    const inputs = [
      path.join(FIXTURES, "codeql/javascript.sarif"),
      path.join(FIXTURES, "semgrep/semgrep.json"),
    ].join("\n");
    const result = await runSast({ input: inputs }, await fullScanEnv(repo.dir));
    const log = await readLog(path.join(repo.dir, "secflow-sast.sarif"));
    expect(validate(log)).toEqual({ valid: true, issues: [] });
    expect(log.runs.map((r) => `${r.automationDetails?.id} ${r.results?.length}`)).toEqual([
      "secflow/sast/codeql/ 2",
      "secflow/sast/semgrep/ 2",
    ]);
    // Semgrep gave no code ("requires login"): the snippet comes from the file.
    const sql = log.runs[1]?.results?.find((r) => r.ruleId?.includes("formatted-sql-query"));
    expect(sql?.locations?.[0]?.physicalLocation?.region?.snippet?.text).toBe(
      '    cursor.execute("SELECT * FROM users WHERE id = " + uid)',
    );
    expect(result.log()).toContain("Tools: none.");
    // CodeQL's own in-source suppression is kept and not counted.
    expect(result.io.outputs).toMatchObject({ "total-count": "3", "new-count": "3" });
    expect(result.io.summary).toContain("1 suppressed in the code");
  });
});

describe("where the configuration comes from", () => {
  const SECRET = "token: s3cr3t-do-not-print\n";
  let repo: Awaited<ReturnType<typeof tempRepo>>;
  let outside: Awaited<ReturnType<typeof tempTree>>;
  beforeAll(async () => {
    outside = await tempTree({ "secret.yml": SECRET });
    repo = await tempRepo({
      "a.py": "import pickle\n",
      "configs/sast.yml": "sast:\n  tools: [bandit]\n  fail-on: low\n",
    });
    await repo.commit("one");
  });
  afterAll(async () => {
    await repo.cleanup();
    await outside.cleanup();
  });

  const failure = async (inputs: Record<string, string>) => {
    const error = await runSast(inputs, await fullScanEnv(repo.dir)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isUserError(error)).toBe(true);
    return (error as Error).message;
  };

  it("refuses a config that is a symlink out of the repository, naming it and not printing its target", async () => {
    await mkdir(path.join(repo.dir, ".github"), { recursive: true });
    await symlink(path.join(outside.dir, "secret.yml"), path.join(repo.dir, ".github/secflow.yml"));
    await symlink(path.join(outside.dir, "secret.yml"), path.join(repo.dir, "linked.yml"));
    try {
      const byDefault = await failure({ output: "x.sarif" });
      expect(byDefault).toBe(
        ".github/secflow.yml is a symbolic link that leads out of the repository; secflow does not read through it. Replace the link with the file itself.",
      );
      const named = await failure({ config: "linked.yml", output: "x.sarif" });
      expect(named).toMatch(/^linked\.yml is a symbolic link that leads out of the repository/);
      for (const message of [byDefault, named]) {
        expect(message).not.toContain("s3cr3t");
        expect(message).not.toContain(outside.dir);
      }
    } finally {
      await repo.write({ ".github/secflow.yml": null, "linked.yml": null });
    }
  });

  it("follows a symlink that stays inside the repository", async () => {
    await mkdir(path.join(repo.dir, ".github"), { recursive: true });
    await symlink("../configs/sast.yml", path.join(repo.dir, ".github/secflow.yml"));
    try {
      const result = await runSast({ output: "x.sarif" }, await fullScanEnv(repo.dir));
      expect(result.log()).toContain("Tools: bandit.");
      expect(result.outcome.failed).toMatch(/\(fail-on: low\)/);
    } finally {
      await repo.write({ ".github/secflow.yml": null });
    }
  });

  it("fails when the config input names a file that does not exist", async () => {
    expect(await failure({ config: "nope.yml" })).toBe(
      'The configuration file nope.yml named by the "config" input does not exist; fix the path or leave the input out to use .github/secflow.yml.',
    );
  });

  it("refuses a config input outside the repository", async () => {
    expect(await failure({ config: path.join(outside.dir, "secret.yml") })).toMatch(
      /^Input "config": ".*secret\.yml" is not a file inside the repository/,
    );
  });
});
