import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sarifOf } from "./support/sarif.ts";
import {
  branch,
  type History,
  ROLLBACK_BODY,
  type Scenario,
  scenario,
  standardHistory,
} from "./support/scenario.ts";

// In the in-repository deployment the workflow that runs the gate comes from the pull request's
// merge commit. The gate reads its enforcement inputs from its own step as committed on the base
// commit, and a change to a workflow that runs secflow is at least a review.

const WORKFLOW = ".github/workflows/secflow.yml";
const REPOSITORY = "Codertocat/Hello-World";

/** A workflow as a team writes it: scanners, then the gate; `gateWith` are the gate's `with:` lines. */
function workflow(gateWith: string): string {
  return `name: secflow
on:
  pull_request:
    types: [opened, synchronize, reopened, edited, labeled, unlabeled]
permissions:
  contents: read
jobs:
  sast:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: acme/secflow/actions/sast@sast/v2
        with:
          output: sast.sarif
  gate:
    needs: [sast]
    if: \${{ !cancelled() }}
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pull-requests: read
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/download-artifact@v4
        with:
          pattern: secflow-*
          path: secflow-results
      - id: gate
        uses: acme/secflow/actions/change-gate@change-gate/v2
        with:
${gateWith
  .trim()
  .split("\n")
  .map((line) => `          ${line}`)
  .join("\n")}
`;
}

const BASE_STEP = `sarif: secflow-results
base: \${{ github.event.pull_request.base.sha }}`;

let s: Scenario;
let h: History;
let main: string;

beforeAll(async () => {
  s = await scenario();
  h = await standardHistory(s.repo);
  main = await branch(s.repo, "with-workflow", h.base, { [WORKFLOW]: workflow(BASE_STEP) });
});
afterAll(() => s.cleanup());

/** The runner's environment for the gate step of `file` on pull request 2 (the example's number). */
function runner(file = WORKFLOW, workflowSha?: string, repository = REPOSITORY): Record<string, string> {
  return {
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_WORKFLOW_REF: `${repository}/${file}@refs/pull/2/merge`,
    ...(workflowSha ? { GITHUB_WORKFLOW_SHA: workflowSha } : {}),
    GITHUB_JOB: "gate",
    GITHUB_ACTION: "gate",
  };
}

async function gateRun(head: string, given: Record<string, string>, env: Record<string, string> = {}) {
  const sast = await s.file(
    `${head}-${Math.random()}.sarif`,
    sarifOf({ action: "sast", revisionId: head, results: [] }),
  );
  return s.gate(
    { sarif: sast, ...given },
    { ...(await s.event({ base: main, head, body: ROLLBACK_BODY })), ...runner(WORKFLOW, head), ...env },
  );
}

describe("the gate's own step, read from the base commit", () => {
  it("keeps enforcing when the pull request switches its own step to advise (attack)", async () => {
    const head = await branch(s.repo, "advise-me", main, {
      [WORKFLOW]: workflow(`sarif: secflow-results
mode: advise
base: \${{ github.event.pull_request.head.sha }}`),
    });
    // The runner checks out the merge commit GitHub made (refs/pull/2/merge) and runs its workflow.
    await s.repo.git("checkout", "-q", "--detach", main);
    await s.repo.git("merge", "-q", "--no-ff", "-m", "Merge pull request #2", head);
    const merge = (await s.repo.git("rev-parse", "HEAD")).trim();
    await s.repo.git("checkout", "-q", "main");
    const workspace = await s.checkout(merge);
    const sast = await s.file("advise-me.sarif", sarifOf({ action: "sast", revisionId: merge, results: [] }));
    // What the runner passes after evaluating the head's step.
    const { outcome, evidence, io } = await s.gate(
      { sarif: sast, mode: "advise", base: head },
      {
        ...(await s.event({ base: main, head, body: ROLLBACK_BODY })),
        ...runner(WORKFLOW, merge),
        GITHUB_SHA: merge,
        GITHUB_WORKSPACE: workspace,
      },
    );
    expect(outcome.decision).toBe("review");
    expect(outcome.failed).toMatch(/^Change gate: review/);
    expect(outcome.reasons.map((r) => [r.rule, r.verdict])).toEqual([["gate/workflow-change", "review"]]);
    expect(outcome.reasons[0]?.message).toBe(
      `The change edits ${WORKFLOW}, a workflow that runs secflow: a change to the checks that judge pull requests needs a security review`,
    );
    expect(evidence.mode).toBe("enforce");
    expect(evidence.enforcement).toMatchObject({
      workflow: WORKFLOW,
      readAt: main,
      step: { job: "gate", id: "gate", uses: "acme/secflow/actions/change-gate@change-gate/v2" },
    });
    expect(evidence.enforcement.differences).toEqual([
      { input: "mode", base: null, given: "advise", applied: "enforce" },
      {
        input: "base",
        base: "${{ github.event.pull_request.base.sha }}",
        given: head,
        applied: null,
      },
    ]);
    expect(evidence.inputs.sources.mode).toEqual({ value: "enforce", source: "default" });
    expect(evidence.inputs.sources.base).toEqual({ value: null, source: "default" });
    expect(evidence.inputs.sources.sarif.source).toBe("input");
    expect(io.summary).toContain("mode: the step on the base commit");
  });

  it("honours the base's own choice of advise, and a step the pull request did not touch (control)", async () => {
    const advising = await branch(s.repo, "team-advises", h.base, {
      [WORKFLOW]: workflow(`sarif: secflow-results\nmode: advise`),
    });
    const head = await branch(s.repo, "docs-only", advising, { "README.md": "# shop\n\nDocs.\n" });
    const sast = await s.file("advising.sarif", sarifOf({ action: "sast", revisionId: head, results: [] }));
    const big = "x\n".repeat(1200);
    const large = await branch(s.repo, "large-docs", advising, { "docs/big.txt": big });
    const env = { ...runner(WORKFLOW, head) };
    const clean = await s.gate(
      { sarif: sast, mode: "advise" },
      { ...(await s.event({ base: advising, head, body: ROLLBACK_BODY })), ...env },
    );
    expect(clean.outcome.decision).toBe("pass");
    expect(clean.evidence.inputs.sources.mode).toEqual({ value: "advise", source: "base-workflow" });
    expect(clean.evidence.enforcement.differences).toEqual([]);
    const review = await s.gate(
      { mode: "advise" },
      {
        ...(await s.event({ base: advising, head: large, body: ROLLBACK_BODY })),
        ...runner(WORKFLOW, large),
      },
    );
    expect(review.outcome.decision).toBe("review");
    expect(review.outcome.failed).toBeUndefined();
  });

  it("evaluates nothing itself: an expression the pull request left alone keeps the runner's value (control)", async () => {
    const head = await branch(s.repo, "untouched", main, { "README.md": "# shop\n\nUntouched.\n" });
    const { outcome, evidence } = await gateRun(head, { base: main });
    expect(outcome.decision).toBe("pass");
    expect(evidence.inputs.sources.base).toEqual({ value: main, source: "base-workflow" });
    expect(evidence.change.baseOverride).toBeNull();
  });

  it("takes defaults, not the pull request's values, when its workflow is new", async () => {
    const file = ".github/workflows/gate-lite.yml";
    const head = await branch(s.repo, "new-workflow", h.base, {
      [file]: workflow("sarif: secflow-results\nmode: advise\nexpected: sast"),
    });
    const sast = await s.file(
      "new-workflow.sarif",
      sarifOf({ action: "sast", revisionId: head, results: [] }),
    );
    const { outcome, evidence } = await s.gate(
      { sarif: sast, mode: "advise", expected: "sast" },
      { ...(await s.event({ base: h.base, head, body: ROLLBACK_BODY })), ...runner(file, head) },
    );
    expect(outcome.decision).toBe("review");
    expect(outcome.failed).toMatch(/^Change gate: review/);
    expect(evidence.enforcement.note).toMatch(
      /has no step that uses actions\/change-gate at the base commit .*: the action's defaults apply/,
    );
    expect(evidence.inputs.sources.mode).toEqual({ value: "enforce", source: "default" });
  });

  it("takes the inputs as given from a workflow outside the repository (an organisation's required workflow)", async () => {
    const head = await branch(s.repo, "org-workflow", h.base, { "README.md": "# shop\n\nOrg.\n" });
    const sast = await s.file("org.sarif", sarifOf({ action: "sast", revisionId: head, results: [] }));
    const env = runner(".github/workflows/gate.yml", undefined, "acme/security-workflows");
    const { outcome, evidence } = await s.gate(
      { sarif: sast, mode: "advise" },
      { ...(await s.event({ base: h.base, head, body: ROLLBACK_BODY })), ...env },
    );
    expect(outcome.decision).toBe("pass");
    expect(evidence.inputs.sources.mode).toEqual({ value: "advise", source: "input" });
    expect(evidence.enforcement.note).toMatch(/acme\/security-workflows, not this repository/);
  });
});

describe("a change to a workflow that runs secflow", () => {
  it.each([
    ["a secflow action", "      - uses: acme/secflow/actions/sca@sca/v2\n"],
    ["the secflow command", "      - run: npx secflow sca --output sca.sarif\n"],
  ])("needs review when the workflow runs %s", async (_what, step) => {
    const file = ".github/workflows/scan.yml";
    const before = `name: scan\non: pull_request\njobs:\n  scan:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n${step}`;
    const base = await branch(s.repo, `scan-${Math.random()}`, h.base, { [file]: before });
    // Deleting the scan step is the edit: what the base ran decides.
    const head = await branch(s.repo, `scan-edit-${Math.random()}`, base, {
      [file]: before.replace(step, "      - run: echo skipped\n"),
    });
    const { outcome } = await s.gate({}, await s.event({ base, head, body: ROLLBACK_BODY }));
    expect(outcome.reasons.map((r) => [r.rule, r.verdict])).toEqual([["gate/workflow-change", "review"]]);
  });

  it("does not ask for review of a workflow that does not run secflow (control)", async () => {
    const head = await branch(s.repo, "lint-workflow", h.base, {
      ".github/workflows/lint.yml":
        "name: lint\non: pull_request\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm run lint\n",
    });
    const { outcome } = await s.gate({}, await s.event({ base: h.base, head, body: ROLLBACK_BODY }));
    expect(outcome.decision).toBe("pass");
  });
});
