import { cp, mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validate } from "@secflow/sarif";
import { beforeAll, describe, expect, it } from "vitest";
import { demoRepository, pullRequestEvent, root, runStep, type StepResult } from "./support/runner.ts";

// A pull-request workflow, as the runner would run it: sast, sca and policy-diff on a real
// repository, then the gate on their outputs. Every step is the committed dist/index.js, run
// from a copy of its action folder (action.yml, package.json, dist/) outside this repository, as in a fork
// that took only the actions: a bundle that still needed node_modules would fail here.
describe("the four actions chained as a workflow runs them", () => {
  let scratch: string;
  const steps: Record<string, StepResult> = {};

  beforeAll(async () => {
    const { repo, base, head } = await demoRepository();
    scratch = await mkdtemp(join(tmpdir(), "secflow-chain-"));
    const actionsDir = join(scratch, "fork", "actions");
    for (const action of ["sast", "sca", "policy-diff", "change-gate"]) {
      for (const part of ["action.yml", "package.json", "dist"]) {
        await cp(join(root, "actions", action, part), join(actionsDir, action, part), { recursive: true });
      }
    }
    const env = { workspace: repo, event: await pullRequestEvent(scratch, base, head), scratch, actionsDir };
    const out = (file: string) => join(scratch, "sarif", file);
    [steps.sast, steps.sca, steps["policy-diff"]] = await Promise.all([
      runStep("sast", { tools: "eslint", output: out("sast.sarif") }, env),
      runStep("sca", { "osv-db": join(root, "examples/osv-db"), output: out("sca.sarif") }, env),
      runStep(
        "policy-diff",
        { output: out("policy-diff.sarif"), "diff-output": join(scratch, "policy-diff.json") },
        env,
      ),
    ]);
    steps.gate = await runStep(
      "change-gate",
      {
        sarif: join(scratch, "sarif"),
        "policy-diff": join(scratch, "policy-diff.json"),
        output: join(scratch, "gate.sarif"),
        evidence: join(scratch, "evidence.json"),
        token: "",
      },
      env,
    );
  }, 120_000);

  it("each scanner reports what the pull request introduces", () => {
    expect(steps.sast?.outputs["new-count"]).toBe("1");
    expect(steps.sca?.outputs["new-count"]).toBe("1");
    expect(steps.sca?.outputs["max-severity"]).toBe("critical");
    expect(Number(steps["policy-diff"]?.outputs.escalations)).toBeGreaterThanOrEqual(4);
  });

  it("writes SARIF that passes the official schema and the profile at every step", async () => {
    for (const file of ["sarif/sast.sarif", "sarif/sca.sarif", "sarif/policy-diff.sarif", "gate.sarif"]) {
      expect(validate(JSON.parse(await readFile(join(scratch, file), "utf8"))).issues, file).toEqual([]);
    }
  });

  it("the gate fails the step on a new critical dependency and says why", async () => {
    expect(steps.gate?.outputs.decision).toBe("fail");
    expect(steps.gate?.exitCode).not.toBe(0);
    const reasons = JSON.parse(steps.gate?.outputs.reasons ?? "[]");
    expect(JSON.stringify(reasons)).toMatch(/GHSA-xvch-5gv4-984h/);
    expect(steps.gate?.summary).toMatch(/Change gate: fail/);
    const evidence = JSON.parse(await readFile(join(scratch, "evidence.json"), "utf8"));
    expect(evidence.decision).toBe("fail");
  });

  it("every step writes a job summary", () => {
    for (const [name, step] of Object.entries(steps)) expect(step.summary.length, name).toBeGreaterThan(50);
  });
});
