import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validate } from "@secflow/sarif";
import { beforeAll, describe, expect, it } from "vitest";
import { secflow } from "./run-cli.ts";

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=T", "-c", "user.email=t@example.com", ...args], {
    cwd,
    encoding: "utf8",
  }).trim();

let repo: string;
let base: string;

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), "secflow-cli-action-"));
  git(repo, "init", "-q", "-b", "main");
  await writeFile(
    join(repo, "app.js"),
    "const fs = require('fs');\nmodule.exports = (p) => fs.readFileSync(p);\n",
  );
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", "base");
  base = git(repo, "rev-parse", "HEAD");
  await writeFile(join(repo, "run.js"), "module.exports = (code) => eval(code);\n");
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", "head");
});

describe("secflow <action>", () => {
  it("lists the action's inputs from its action.yml", async () => {
    const { code, stdout } = await secflow(["sast", "--help"]);
    expect(code).toBe(0);
    for (const input of ["--tools", "--baseline", "--fail-on", "--output"]) expect(stdout).toContain(input);
  });

  it("refuses flags that are not inputs of the action", async () => {
    const { code, stderr } = await secflow(["sca", "--tool", "x"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/Unknown option '--tool'/);
  });

  it("runs sast with flags named as the inputs and writes valid SARIF with new findings marked", async () => {
    const output = join(repo, "out", "sast.sarif");
    const { code, stdout } = await secflow(
      ["sast", "--tools", "eslint", "--path", ".", "--baseline", "ref", "--base", base, "--output", output],
      { cwd: repo, env: { PATH: process.env.PATH } },
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/new-count: 1/);
    const log = JSON.parse(await readFile(output, "utf8"));
    expect(validate(log).valid).toBe(true);
    const fresh = log.runs[0].results.filter((r: { baselineState: string }) => r.baselineState === "new");
    expect(
      fresh.map((r: { locations: any[] }) => r.locations[0].physicalLocation.artifactLocation.uri),
    ).toEqual(["run.js"]);
  });

  it("exits 1 when the gate does not pass, and names the decision", async () => {
    const { code, stdout } = await secflow(
      [
        "gate",
        "--sarif",
        join(repo, "missing.sarif"),
        "--base",
        base,
        "--output",
        join(repo, "out", "gate.sarif"),
        "--evidence",
        join(repo, "out", "evidence.json"),
      ],
      { cwd: repo, env: { PATH: process.env.PATH } },
    );
    expect(code).toBe(1);
    expect(stdout).toMatch(/decision: fail/);
  });

  it("reports an invalid input value as a usage error (exit 2)", async () => {
    const { code, stderr } = await secflow(["gate", "--mode", "bogus", "--sarif", "x.sarif"], { cwd: repo });
    expect(code).toBe(2);
    expect(stderr).toMatch(/Input "mode"/);
  });

  it("gives a list input one line per repeated flag", async () => {
    const { stdout } = await secflow(
      [
        "gate",
        "--sarif",
        join(repo, "a.sarif"),
        "--sarif",
        join(repo, "b.sarif"),
        "--base",
        base,
        "--output",
        join(repo, "out", "g.sarif"),
        "--evidence",
        join(repo, "out", "e.json"),
      ],
      { cwd: repo, env: { PATH: process.env.PATH } },
    );
    const evidence = JSON.parse(await readFile(join(repo, "out", "e.json"), "utf8"));
    expect(JSON.stringify(evidence)).toContain("a.sarif");
    expect(JSON.stringify(evidence)).toContain("b.sarif");
    expect(stdout).toMatch(/decision: fail/);
  });
});
