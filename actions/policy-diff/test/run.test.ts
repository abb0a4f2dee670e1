import { readFile } from "node:fs/promises";
import path from "node:path";
import { consoleIO, inputs, recordInputSource } from "@secflow/kit";
import { describe, expect, it } from "vitest";
import { readOptions, run } from "../src/run.ts";
import { brief, createRepo, diffCommitsCleanedUpAfterAll, gitEnv } from "./repo.ts";

const ROLE = (
  name: string,
  verbs: string,
  resource = "configmaps",
) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: "${name}" }
rules:
  - { apiGroups: [""], resources: [${resource}], verbs: [${verbs}] }
`;
const UNBOUND = "(bound to no subject in the files read)";

const diff = diffCommitsCleanedUpAfterAll();

describe("run", () => {
  it("sets the outputs and writes a summary table that keeps repository text as text", async () => {
    const { diff: d, io } = await diff(
      { "k8s/roles.yaml": ROLE("reader", "get", "pods") },
      {
        // Creating pods runs code as any service account of the namespace: high.
        "k8s/roles.yaml": `${ROLE("reader", "get, create", "pods")}---\n${ROLE("<img src=x onerror=alert(1)> @admin | x", "create", "pods")}`,
      },
    );
    expect(d.counts.escalations).toBe(2);
    expect(io.outputs).toMatchObject({
      changes: "2",
      escalations: "2",
      // The outputs every scanning action sets: each change is a new finding.
      "new-count": "2",
      "total-count": "2",
      "max-severity": "high",
      unreadable: "0",
    });
    expect(io.outputs["sarif-file"]).toMatch(/out\.sarif$/);
    expect(io.outputs["diff-file"]).toMatch(/diff\.json$/);
    expect(io.summary).toContain("| Class | Change | Subject | Privilege | Where | Why |");
    expect(io.summary).toContain("ClusterRole \\<img src=x onerror=alert(1)\\> @\u200dadmin \\| x");
    expect(io.summary).not.toMatch(/(?<!\\)<img/);
  });

  it("reports a deleted policy file's grants as removed at their base lines", async () => {
    const { diff: d } = await diff({ "k8s/roles.yaml": ROLE("reader", "get") }, { "k8s/roles.yaml": null });
    expect(brief(d)).toEqual([`removed reduction/info ClusterRole reader ${UNBOUND} | get | configmaps`]);
    expect(d.changes[0]).toMatchObject({ side: "base", file: "k8s/roles.yaml", line: 5 });
  });

  it("treats file names with spaces, quotes, newlines and $(...) as data", async () => {
    const name = 'k8s/$(touch pwned) "a"\nb.yaml';
    const {
      diff: d,
      repo,
      sarif,
    } = await diff({ [name]: ROLE("reader", "get") }, { [name]: ROLE("reader", "get, delete") });
    expect(d.changes.map((c) => c.file)).toEqual([name]);
    expect(sarif.runs[0]?.results?.[0]?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe(
      "k8s/%24(touch%20pwned)%20%22a%22%0Ab.yaml",
    );
    await expect(readFile(path.join(repo.dir, "pwned"))).rejects.toThrow();
  });

  it("follows a renamed policy file and reports what changed in it at the new path", async () => {
    const { diff: d } = await diff(
      { "k8s/roles.yaml": ROLE("reader", "get") },
      { "k8s/roles.yaml": null, "k8s/rbac/reader.yaml": ROLE("reader", "get, watch") },
    );
    // Watching configmaps holds no secret: low, a widening the gate lets through.
    expect(brief(d)).toEqual([`added widening/low ClusterRole reader ${UNBOUND} | watch | configmaps`]);
    expect(d.changes[0]?.file).toBe("k8s/rbac/reader.yaml");
  });

  it("reads include and config inputs, and applies the base config's severity overrides", async () => {
    // Raising a widening rule to critical makes its changes escalations, which the gate reviews.
    const config = "severity-overrides:\n  policy-diff/kubernetes/added/widening: critical\n";
    const { diff: d, sarif } = await diff(
      { "cluster/roles.yaml": ROLE("reader", "get"), "settings/secflow.yml": config },
      { "cluster/roles.yaml": ROLE("reader", "get, list") },
      { include: "kubernetes: cluster/**/*.yaml\n", config: "settings/secflow.yml" },
    );
    expect(brief(d)).toEqual([`added escalation/critical ClusterRole reader ${UNBOUND} | list | configmaps`]);
    expect(d.changes[0]).toMatchObject({ ruleId: "policy-diff/kubernetes/added/widening" });
    expect(sarif.runs[0]?.tool.driver.rules?.[0]?.properties?.["security-severity"]).toBe("9.5");
  });

  it("fails with a message naming a base ref that does not exist", async () => {
    const repo = await createRepo();
    try {
      await repo.commit({ "a.txt": "a" });
      const options = readOptions(
        inputs(recordInputSource({ base: "no-such-branch", path: repo.dir })),
        gitEnv,
      );
      await expect(run(options, consoleIO({ quiet: true }))).rejects.toThrow(
        /Git ref "no-such-branch" does not exist in .*fetch it first/,
      );
    } finally {
      await repo.cleanup();
    }
  });

  it("refuses an include line it cannot read, and keeps paths as given until run resolves them", () => {
    const read = (values: Record<string, string>) =>
      readOptions(inputs(recordInputSource({ path: "repo", ...values })), {});
    expect(() => read({ include: "terraform: **/*.tf" })).toThrow(
      /Input "include", line 1: write "<kind>: <glob>, <glob>" with kind one of enrolment, workflows, kubernetes, iam, codeowners/,
    );
    expect(() => read({ "fail-on": "severe" })).toThrow(
      /Input "fail-on" has an invalid value "severe": write one of critical, high, medium, low, info, none/,
    );
    const options = read({ output: "out/p.sarif", config: "../elsewhere/secflow.yml" });
    expect(options).toMatchObject({
      path: "repo",
      output: "out/p.sarif",
      diffOutput: "secflow-policy-diff.json",
      config: "../elsewhere/secflow.yml",
    });
    expect(options).not.toHaveProperty("failOn");
  });

  it("writes an empty but valid result when nothing changed", async () => {
    const { diff: d, io } = await diff({ "README.md": "a" }, { "README.md": "b" });
    expect(d).toMatchObject({
      changes: [],
      unreadable: [],
      counts: { escalations: 0, widenings: 0, neutral: 0, reductions: 0 },
    });
    expect(io.outputs).toMatchObject({ "max-severity": "none", "new-count": "0", "total-count": "0" });
    expect(io.summary).toContain("No privilege is added, widened, narrowed or removed.");
  });
});
