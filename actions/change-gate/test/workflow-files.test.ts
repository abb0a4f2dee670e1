import { describe, expect, it } from "vitest";
import { parseWorkflowRef } from "../src/own-step.ts";
import { runsSecflow } from "../src/workflow-files.ts";

const steps = (...lines: string[]) =>
  `on: pull_request\njobs:\n  scan:\n    runs-on: ubuntu-latest\n    steps:\n${lines.map((l) => `      ${l}`).join("\n")}\n`;

describe("which workflows run secflow", () => {
  it.each([
    ["a secflow action", steps("- uses: acme/secflow/actions/sast@sast/v2")],
    ["a fork of the gate", steps("- uses: acme/security-tools/actions/change-gate@v3")],
    ["secflow's own local action", steps("- uses: ./actions/change-gate")],
    ["the command", steps("- run: |", "    npm ci", "    npx secflow gate --sarif out")],
    ["the CLI package", steps("- run: npm exec --package=@secflow/cli -- secflow-report")],
    [
      "a reusable workflow named secflow",
      "on: pull_request\njobs:\n  secflow:\n    uses: acme/security-workflows/.github/workflows/secflow.yml@v1\n",
    ],
    [
      "a composite action",
      "runs:\n  using: composite\n  steps:\n    - uses: acme/secflow/actions/sca@sca/v2\n",
    ],
    ["broken YAML that mentions it", "jobs: [\n  - uses: acme/secflow/actions/sast@v2\n"],
  ])("counts %s", (_what, text) => {
    expect(runsSecflow(text)).toBe(true);
  });

  it.each([
    ["other actions", steps("- uses: actions/checkout@v4", "- run: npm test")],
    [
      "the word in a name",
      "name: secflow sast\ndescription: runs the secflow sast scanner\nruns:\n  using: node24\n  main: dist/index.js\n",
    ],
  ])("does not count %s (control)", (_what, text) => {
    expect(runsSecflow(text)).toBe(false);
  });
});

describe("GITHUB_WORKFLOW_REF", () => {
  it("names the repository, the workflow file and the ref", () => {
    expect(
      parseWorkflowRef("octo-org/octo-repo/.github/workflows/my-workflow.yml@refs/pull/1/merge"),
    ).toEqual({
      repository: "octo-org/octo-repo",
      file: ".github/workflows/my-workflow.yml",
      ref: "refs/pull/1/merge",
    });
    expect(parseWorkflowRef("octo-org/octo-repo/.github/workflows/a@b.yaml@refs/heads/main")?.file).toBe(
      ".github/workflows/a@b.yaml",
    );
    expect(parseWorkflowRef(undefined)).toBeUndefined();
    expect(parseWorkflowRef("not a ref")).toBeUndefined();
  });
});
