import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventName, eventEnv } from "@secflow/kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secflow } from "../packages/cli/test/run-cli.ts";
import { demoRepository, git, root, runStep } from "./support/runner.ts";

// One contract for the four actions: each shared concept, run against every action with the
// same input, must mean the same thing. Real git repositories (the demo service as base, its
// change as head, and main moved on since the branch), real webhook payloads, the real CLI.

const OSV_DB = join(root, "examples/osv-db");
const MINIMIST = "GHSA-xvch-5gv4-984h";
type Action = "sast" | "sca" | "policy-diff" | "gate";
const ACTIONS: Action[] = ["sast", "sca", "policy-diff", "gate"];
const SCANNERS: Action[] = ["sast", "sca", "policy-diff"];

let repo: string;
let mergeBase: string;
let baseTip: string;
let head: string;
let scratch: string;

beforeAll(async () => {
  ({ repo, base: mergeBase, head } = await demoRepository());
  await git(repo, "checkout", "-q", "main");
  await writeFile(join(repo, "CHANGES.md"), "main moved on after the branch\n");
  await git(repo, "add", "-A");
  await git(repo, "commit", "-q", "-m", "main moves on");
  baseTip = await git(repo, "rev-parse", "HEAD");
  await git(repo, "checkout", "-q", "feature");
  scratch = await mkdtemp(join(tmpdir(), "secflow-contract-"));
}, 60_000);
afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
});

/** The command line of one action, writing into `out`; `extra` flags are the row's inputs. */
function argv(action: Action, out: string, extra: string[] = []): string[] {
  const files: Record<Action, string[]> = {
    sast: ["--tools", "eslint", "--output", join(out, "sast.sarif")],
    sca: ["--osv-db", OSV_DB, "--output", join(out, "sca.sarif")],
    "policy-diff": [
      "--output",
      join(out, "policy-diff.sarif"),
      "--diff-output",
      join(out, "policy-diff.json"),
    ],
    gate: [
      "--sarif",
      ["sast.sarif", "sca.sarif", "policy-diff.sarif"].map((f) => join(out, f)).join("\n"),
      "--policy-diff",
      join(out, "policy-diff.json"),
      "--output",
      join(out, "gate.sarif"),
      "--evidence",
      join(out, "evidence.json"),
    ],
  };
  return [action, ...files[action], ...extra];
}

async function folder(name: string): Promise<string> {
  return mkdtemp(join(scratch, `${name}-`));
}

/** Runs the action through the CLI with the runner's event variables. */
function run(action: Action, out: string, env: NodeJS.ProcessEnv, extra: string[] = [], cwd = repo) {
  return secflow(argv(action, out, extra), { cwd, env: { PATH: process.env.PATH, ...env } });
}

/** The UTC day `days` from now, as a waiver's `expires`. */
function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** The messages of the gate's reasons, from its evidence file. */
async function gateReasons(out: string): Promise<string> {
  const evidence = JSON.parse(await readFile(join(out, "evidence.json"), "utf8"));
  return evidence.reasons.map((r: { message: string }) => r.message).join("\n");
}

async function sarifRun(out: string, action: Action) {
  const file = action === "gate" ? "gate.sarif" : `${action}.sarif`;
  const log = JSON.parse(await readFile(join(out, file), "utf8"));
  return log.runs.map((r: { properties: { secflow: Record<string, unknown> } }) => r.properties.secflow);
}

describe("the change under test means the same in every action", () => {
  const events: EventName[] = ["pull_request", "pull_request_review", "merge_group", "push"];
  it.each(events)("%s: every run compares head with the merge base of the event's base", async (name) => {
    const out = await folder(name);
    const env = await eventEnv(name, { base: baseTip, head }, scratch);
    for (const action of ACTIONS) {
      const result = await run(action, out, env, action === "gate" ? ["--mode", "advise"] : []);
      expect(result.code, `${action}: ${result.stderr}`).toBe(0);
      for (const props of await sarifRun(out, action)) {
        expect(props, action).toMatchObject({ baseRef: mergeBase, headRef: head });
        if (action !== "gate") expect(props.mode, action).toBe("diff");
      }
    }
    // Only what the change brings in is new: one command injection, one critical advisory.
    const sast = await run("sast", out, env);
    expect(sast.stdout).toMatch(/^new-count: 1$/m);
    const sca = await run("sca", out, env);
    expect(sca.stdout).toMatch(/^new-count: 1$/m);
  });

  it("workflow_dispatch and schedule have no base: scanners scan in full and say so; diffs refuse", async () => {
    for (const name of ["workflow_dispatch", "schedule"] as const) {
      const out = await folder(name);
      const env = await eventEnv(name, {}, scratch);
      for (const action of ["sast", "sca"] as const) {
        const result = await run(action, out, env);
        expect(result.code, `${action}: ${result.stderr}`).toBe(0);
        expect(result.stderr).toMatch(
          new RegExp(`A full scan, every finding counts as new: a ${name} run has no base commit`),
        );
        for (const props of await sarifRun(out, action)) expect(props.mode).toBe("full");
      }
      const diff = await run("policy-diff", out, env);
      expect(diff.code).toBe(1);
      expect(diff.stderr).toMatch(/base/);
    }
  });

  it("a base that is not in the clone is the same clear error in all four", async () => {
    const out = await folder("missing-base");
    const env = await eventEnv(
      "pull_request",
      { base: "0123456789abcdef0123456789abcdef01234567", head },
      scratch,
    );
    for (const action of ACTIONS) {
      const result = await run(action, out, env);
      expect(result.code, action).toBe(1);
      const said = action === "gate" ? await gateReasons(out) : result.stderr;
      expect(said, action).toMatch(/No merge base of the base commit 0123456789ab/);
    }
  });
});

describe("path: any folder from the command line, only the workspace on a runner", () => {
  it.each(ACTIONS)("%s", async (action) => {
    const out = await folder(`path-${action}`);
    const elsewhere = await folder("elsewhere");
    const env = await eventEnv("pull_request", { base: baseTip, head }, scratch);
    // Scanners first, so the gate has their files.
    if (action === "gate")
      for (const scanner of SCANNERS) await run(scanner, out, env, ["--path", repo], elsewhere);
    const local = await run(
      action,
      out,
      env,
      ["--path", repo, ...(action === "gate" ? ["--mode", "advise"] : [])],
      elsewhere,
    );
    expect(local.code, local.stderr).toBe(0);
    const runner = await run(
      action,
      out,
      { ...env, GITHUB_ACTIONS: "true", GITHUB_WORKSPACE: elsewhere },
      ["--path", repo],
      elsewhere,
    );
    expect(runner.code).toBe(2);
    expect(runner.stderr).toMatch(/Input "path": .* is outside the workspace/);
  });
});

describe("configuration: one loader", () => {
  it.each(ACTIONS)("%s: a config file named explicitly that does not exist is an error", async (action) => {
    const out = await folder(`config-${action}`);
    const env = await eventEnv("pull_request", { base: baseTip, head }, scratch);
    const result = await run(action, out, env, ["--config", ".github/team.yml"]);
    expect(result.code).toBe(1);
    const said = action === "gate" ? await gateReasons(out) : result.stderr;
    expect(said).toMatch(/\.github\/team\.yml named by the "config" input does not exist/);
  });
});

describe("outputs and exit codes", () => {
  it("every scanning action sets sarif-file, new-count, total-count and max-severity of new findings", async () => {
    const out = await folder("outputs");
    const env = await eventEnv("pull_request", { base: baseTip, head }, scratch);
    for (const action of SCANNERS) {
      const { stdout } = await run(action, out, env);
      for (const name of ["sarif-file", "new-count", "total-count", "max-severity"]) {
        expect(stdout, `${action} ${name}`).toMatch(new RegExp(`^${name}: \\S+`, "m"));
      }
    }
    const sca = await run("sca", out, env);
    expect(sca.stdout).toMatch(/^max-severity: critical$/m);
  });

  it("the CLI exits as the runner's step ends, for the same inputs", async () => {
    const out = await folder("exit");
    const event = await eventEnv("pull_request", { base: baseTip, head }, scratch);
    const cases: [Action, string[], number][] = [
      ["sca", ["--fail-on", "critical"], 1],
      ["sca", [], 0],
      ["policy-diff", [], 0],
      ["gate", ["--mode", "advise"], 0],
      ["gate", [], 1],
    ];
    for (const scanner of SCANNERS) await run(scanner, out, event);
    for (const [action, extra, expected] of cases) {
      const cli = await run(action, out, event, extra);
      expect(cli.code, `secflow ${action} ${extra.join(" ")}`).toBe(expected);
      const args = argv(action, out, extra).slice(1);
      const inputs: Record<string, string> = {};
      for (let i = 0; i < args.length; i += 2) inputs[(args[i] as string).slice(2)] = args[i + 1] as string;
      const step = await runStep(action === "gate" ? "change-gate" : action, inputs, {
        workspace: repo,
        event: event.GITHUB_EVENT_PATH,
        scratch: out,
      });
      expect(step.exitCode === 0 ? 0 : 1, `step ${action} ${extra.join(" ")}`).toBe(expected);
    }
  }, 120_000);
});

describe("waivers mean the same in sca and the gate", () => {
  it("a waiver of an advisory suppresses the finding in sca and the gate does not count it", async () => {
    const waived = await mkdtemp(join(scratch, "waived-"));
    const { repo: dir } = await demoRepository();
    try {
      // The waiver is committed on main before the branch: the gate reads the base's config.
      await git(dir, "checkout", "-q", "main");
      const config = await readFile(join(dir, ".github/secflow.yml"), "utf8");
      await writeFile(
        join(dir, ".github/secflow.yml"),
        // A critical finding's waiver names a path, and runs at most waiver-max-days (90).
        `${config}  - advisory: ${MINIMIST}\n    path: package-lock.json\n    reason: not reachable from our code\n    approver: "@acme/security"\n    expires: ${inDays(30)}\n`,
      );
      await git(dir, "commit", "-qam", "waive minimist");
      const base = await git(dir, "rev-parse", "HEAD");
      await git(dir, "checkout", "-q", "feature");
      await git(dir, "merge", "-q", "--no-edit", "main");
      const tip = await git(dir, "rev-parse", "HEAD");
      const env = await eventEnv("pull_request", { base, head: tip }, scratch);
      const sca = await run("sca", waived, env, [], dir);
      expect(sca.stdout).toMatch(/^new-count: 0$/m);
      const log = JSON.parse(await readFile(join(waived, "sca.sarif"), "utf8"));
      const minimist = log.runs
        .flatMap((r: { results: any[] }) => r.results)
        .find((r: { ruleId: string }) => r.ruleId === MINIMIST);
      expect(minimist.suppressions[0]).toMatchObject({ kind: "external", status: "accepted" });
      const gate = ["gate", "--sarif", join(waived, "sca.sarif"), "--mode", "advise"];
      const outputs = ["--output", join(waived, "gate.sarif"), "--evidence", join(waived, "evidence.json")];
      await secflow([...gate, ...outputs], { cwd: dir, env: { PATH: process.env.PATH, ...env } });
      const evidence = JSON.parse(await readFile(join(waived, "evidence.json"), "utf8"));
      expect(JSON.stringify(evidence.reasons)).not.toMatch(MINIMIST);
      expect(JSON.stringify(evidence.waivers.applied)).toMatch(MINIMIST);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
