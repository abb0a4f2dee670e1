import { execFile } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { validate } from "@secflow/sarif";
import { beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const bin = join(root, "packages/cli/bin/secflow.js");
const run = promisify(execFile);

// The README's main job, run the way a newcomer runs it: the built `secflow` bin (npm ci builds it).
describe("secflow demo", () => {
  let cwd: string;
  let stdout: string;
  const out = (file: string) => join(cwd, "secflow-demo-output", file);

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), "secflow-demo-test-"));
    ({ stdout } = await run(process.execPath, [bin, "demo"], { cwd, env: { PATH: process.env.PATH } }));
  }, 120_000);

  it("prints the gate's decision and why", () => {
    expect(stdout).toMatch(/Gate decision: FAIL/);
    expect(stdout).toMatch(/New critical sca finding GHSA-xvch-5gv4-984h in package-lock\.json:\d+/);
    expect(stdout).toMatch(/New high sast finding security\/detect-child-process in src\/bulk-export\.js:8/);
    expect(stdout).toMatch(/Privilege escalation \(critical, iam\).*iam:PassRole/);
  });

  it("writes SARIF from all four actions that passes the official schema and the profile", async () => {
    for (const file of ["sast.sarif", "sca.sarif", "policy-diff.sarif", "gate.sarif"]) {
      const result = validate(JSON.parse(await readFile(out(file), "utf8")));
      expect(result.issues, file).toEqual([]);
    }
  });

  it("passes Microsoft's SARIF Multitool with GitHub's ingestion rules (Sarif;Ghas), without a warning", async () => {
    const multitool = join(root, "node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
    const report = join(cwd, "multitool-validation.sarif");
    const files = ["sast.sarif", "sca.sarif", "policy-diff.sarif", "gate.sarif"].map(out);
    await run(
      multitool,
      ["validate", "--rule-kind", "Sarif;Ghas", ...files, "-o", report, "--log", "ForceOverwrite"],
      {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, DOTNET_CLI_TELEMETRY_OPTOUT: "1" },
      },
    );
    const findings = JSON.parse(await readFile(report, "utf8")).runs.flatMap((r: any) => r.results ?? []);
    expect(findings.map((r: any) => `${r.ruleId}: ${r.message?.text ?? ""}`)).toEqual([]);
  }, 60_000);

  it("marks only what the pull request introduces as new", async () => {
    const sca = JSON.parse(await readFile(out("sca.sarif"), "utf8"));
    const states = sca.runs.flatMap((r: any) => r.results).filter((r: any) => r.ruleId.startsWith("GHSA"));
    const byAdvisory = Object.fromEntries(
      states.map((r: any) => [`${r.properties.secflow.package} ${r.ruleId}`, r.baselineState]),
    );
    expect(byAdvisory).toEqual({
      "lodash GHSA-35jh-r3h4-6jhm": "unchanged",
      "minimist GHSA-xvch-5gv4-984h": "new",
      "requests GHSA-j8r2-6x86-q33q": "unchanged",
    });
  });

  it("leaves the evidence and the job summary", async () => {
    const evidence = JSON.parse(await readFile(out("evidence.json"), "utf8"));
    expect(evidence.decision).toBe("fail");
    const summary = await readFile(out("summary.md"), "utf8");
    expect(summary).toMatch(/Privilege diff/);
    expect(summary).toMatch(/Change gate: fail/);
  });
});
