import { readFile, symlink } from "node:fs/promises";
import path from "node:path";
import { consoleIO, inputs, MissingMergeBaseError, recordInputSource } from "@secflow/kit";
import { webhookExample, writeEvent } from "@secflow/kit/testing";
import { afterAll, describe, expect, it } from "vitest";
import { readOptions, run } from "../src/run.ts";
import { brief, createRepo, gitEnv, type Repo } from "./repo.ts";

// The concepts policy-diff shares with every secflow action: the workspace and file inputs, the
// change under test for each event, the configuration, the shared outputs and fail-on.

const WORKFLOW =
  "on: push\npermissions: { contents: read }\njobs:\n  build: { runs-on: ubuntu-latest, steps: [{ run: make }] }\n";
const WIDENED = "widened escalation/high job build | contents: write | GITHUB_TOKEN";

const repos: Repo[] = [];
afterAll(() => Promise.all(repos.map((r) => r.cleanup())));

/** A repository whose head widens a workflow's token from read to write: one high escalation. */
async function history(baseFiles: Record<string, string> = {}, headFiles: Record<string, string> = {}) {
  const repo = await createRepo();
  repos.push(repo);
  const base = await repo.commit({ ".github/workflows/build.yml": WORKFLOW, ...baseFiles }, "base");
  const head = await repo.commit(
    { ".github/workflows/build.yml": WORKFLOW.replace("contents: read", "contents: write"), ...headFiles },
    "head",
  );
  return { repo, base, head };
}

/** Runs the action as the CLI and the runner do, in the workspace GITHUB_WORKSPACE names. */
async function runIn(repo: Repo, given: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  const io = consoleIO({ stream: { write: () => true } as unknown as NodeJS.WritableStream });
  const options = readOptions(
    inputs(recordInputSource({ output: "out/p.sarif", "diff-output": "out/d.json", ...given })),
    { ...gitEnv, GITHUB_WORKSPACE: repo.dir, ...env },
  );
  const outcome = await run(options, io);
  return { outcome, io, changes: brief(outcome.diff) };
}

/** Where an event's payload names the commits; the payloads are GitHub's own examples. */
const EVENTS: Record<string, (base: string, head: string) => Record<string, any>> = {
  pull_request: (base, head) => {
    const payload = webhookExample("pull_request", "opened");
    payload.pull_request.base.sha = base;
    payload.pull_request.head.sha = head;
    return payload;
  },
  merge_group: (base, head) => {
    const payload = webhookExample("merge_group", "checks_requested");
    payload.merge_group.base_sha = base;
    payload.merge_group.head_sha = head;
    return payload;
  },
  push: (base, head) => ({
    ...webhookExample("push"),
    ref: "refs/heads/main",
    created: false,
    before: base,
    after: head,
  }),
};

describe("workspace and file inputs", () => {
  it("resolves path against GITHUB_WORKSPACE, reads the whole repository, and writes outputs relative to the workspace", async () => {
    const { repo, base, head } = await history({ "svc/README.md": "a service\n" });
    // The test process runs elsewhere: a path resolved against it would not exist.
    const { outcome, io, changes } = await runIn(repo, { path: "svc", base, head });
    expect(changes).toEqual([WIDENED]);
    expect(io.outputs["sarif-file"]).toBe(path.join(repo.dir, "out/p.sarif"));
    expect(io.outputs["diff-file"]).toBe(path.join(repo.dir, "out/d.json"));
    const written = JSON.parse(await readFile(path.join(repo.dir, "out/d.json"), "utf8"));
    // The file holds the contract's fields; why a change has its severity is for people.
    expect(outcome.diff.changes[0]?.why).toBe("contents: write pushes code, tags and releases");
    expect(written).toEqual({
      ...outcome.diff,
      changes: outcome.diff.changes.map(({ why: _why, ...change }) => change),
    });
  });

  it("refuses a config path outside the repository as an input error", async () => {
    const { repo, base, head } = await history();
    await expect(runIn(repo, { base, head, config: "../elsewhere/secflow.yml" })).rejects.toThrow(
      /Input "config": "..\/elsewhere\/secflow.yml" is not a file inside the repository/,
    );
  });
});

describe("the change under test", () => {
  it.each(Object.keys(EVENTS))("compares the commits a %s event names", async (name) => {
    const { repo, base, head } = await history();
    // The checkout is elsewhere (as a merge queue's or a pull request's may be): the event decides.
    await repo.git("checkout", "-q", "--detach", base);
    const env = await writeEvent(name, EVENTS[name]?.(base, head) ?? {});
    const { outcome, changes } = await runIn(repo, {}, env);
    expect(changes).toEqual([WIDENED]);
    expect(outcome.diff).toMatchObject({ base, head });
  });

  it.each([
    ["workflow_dispatch", () => webhookExample("workflow_dispatch")],
    ["schedule", () => ({ schedule: "17 3 * * *" })],
  ])("fails on a %s run, which has no base, unless the base input gives one", async (name, payload) => {
    const { repo, base } = await history();
    const env = await writeEvent(name, payload());
    await expect(runIn(repo, {}, env)).rejects.toThrow(
      new RegExp(
        `^policy-diff compares the policy at two commits, and this run has no base commit \\(a ${name} run has no base commit\\)\\. Give the base input`,
      ),
    );
    expect((await runIn(repo, { base }, env)).changes).toEqual([WIDENED]);
  });

  it("fails with the kit's missing-merge-base error when the event's base is not in the clone", async () => {
    const { repo, head } = await history();
    const env = await writeEvent("pull_request", EVENTS.pull_request?.("1".repeat(40), head) ?? {});
    const running = runIn(repo, {}, env);
    await expect(running).rejects.toThrow(MissingMergeBaseError);
    await expect(running).rejects.toThrow(/No merge base of the base commit 111111111111 .*fetch-depth: 0/);
  });
});

describe("the configuration", () => {
  it("refuses a config named explicitly that exists at neither commit", async () => {
    const { repo, base, head } = await history();
    await expect(runIn(repo, { base, head, config: "settings/secflow.yml" })).rejects.toThrow(
      /The configuration file settings\/secflow.yml named by the "config" input does not exist at the base commit [0-9a-f]{12} nor at the head commit [0-9a-f]{12}/,
    );
  });

  it("compares a config named explicitly that exists at one commit with the defaults", async () => {
    const { repo, base, head } = await history(
      {},
      { "settings/secflow.yml": "gate:\n  escalations: pass\n" },
    );
    const { changes } = await runIn(repo, { base, head, config: "settings/secflow.yml" });
    expect(changes).toContain("widened escalation/high secflow config | gate.escalations | pass");
  });

  it("notes a configuration that does not parse, unchanged at both commits, and applies none of it", async () => {
    const broken =
      "severity-overrides:\n  policy-diff/workflow/widened: critical\npolicy:\n  fail-on: sometimes\n";
    const { repo, base, head } = await history({ ".github/secflow.yml": broken });
    const { outcome, io, changes } = await runIn(repo, { base, head });
    // The same blob at both commits: nothing in it changed, so it is no gap.
    expect(outcome.diff.unreadable).toEqual([]);
    expect(outcome.failed).toBeUndefined();
    expect(io.outputs.unreadable).toBe("0");
    expect(io.summary).toContain("Unreadable but unchanged");
    expect(io.summary).toContain("`.github/secflow.yml` at head: line 4: must be one of critical");
    // Its severity override does not apply: the change stays high.
    expect(changes).toEqual([WIDENED]);
  });

  it("lists a configuration that does not parse and changed as unreadable, and fails the step as unchecked", async () => {
    const broken = "policy:\n  fail-on: sometimes\n";
    const { repo, base, head } = await history(
      { ".github/secflow.yml": broken },
      { ".github/secflow.yml": `${broken}team: payments\n` },
    );
    const { outcome, io } = await runIn(repo, { base, head });
    const reason =
      'line 2: must be one of critical, high, medium, low, info, none, not "sometimes" (/policy/fail-on)';
    expect(outcome.diff.unreadable).toEqual([
      { file: ".github/secflow.yml", ref: "base", reason },
      { file: ".github/secflow.yml", ref: "head", reason },
    ]);
    expect(io.outputs.unreadable).toBe("2");
    expect(io.annotations.filter((a) => a.level === "warning").map((a) => a.message)).toContain(
      `Could not read .github/secflow.yml at the head commit, and it changed: ${reason}`,
    );
    expect(outcome.failed).toMatch(
      /^The scan is incomplete: \.github\/secflow\.yml at the base commit was not checked: .*set on-unchecked: warn/,
    );
  });

  it("lists a configuration committed as a symbolic link as unreadable, without reading its target", async () => {
    const { repo, base } = await history();
    await symlink("/etc/passwd", path.join(repo.dir, ".github/secflow.yml"));
    const head = await repo.commit({}, "link");
    const { outcome } = await runIn(repo, { base, head });
    expect(outcome.diff.unreadable).toEqual([
      {
        file: ".github/secflow.yml",
        ref: "head",
        reason: "a symbolic link; policy files must be regular files",
      },
    ]);
  });
});

describe("fail-on", () => {
  const POLICY_HIGH = "policy:\n  fail-on: high\n";
  it.each([
    ["nothing set: none, the gate decides", {}, {}, {}, false],
    ["the input", {}, {}, { "fail-on": "high" }, true],
    ["the input, above the change", {}, {}, { "fail-on": "critical" }, false],
    ["the base commit's policy.fail-on", { ".github/secflow.yml": POLICY_HIGH }, {}, {}, true],
    [
      "the input over the configuration",
      { ".github/secflow.yml": POLICY_HIGH },
      {},
      { "fail-on": "none" },
      false,
    ],
    [
      "not the head's: a pull request cannot set its own",
      {},
      { ".github/secflow.yml": POLICY_HIGH },
      {},
      false,
    ],
  ])("is decided by %s", async (_what, baseFiles, headFiles, given, fails) => {
    const { repo, base, head } = await history(baseFiles, headFiles);
    const { outcome, io } = await runIn(repo, { base, head, ...given });
    expect(io.outputs["new-count"]).toBe(String(outcome.diff.changes.length));
    if (fails)
      expect(outcome.failed).toMatch(
        /^1 new finding\(s\) of severity high or higher \(fail-on: high\); see the privilege-diff table in the job summary\.$/,
      );
    else expect(outcome.failed).toBeUndefined();
  });

  it("reports a pull request that changes policy.fail-on", async () => {
    const { repo, base, head } = await history(
      { ".github/secflow.yml": "policy:\n  fail-on: medium\n" },
      { ".github/secflow.yml": "policy:\n  fail-on: none\n" },
    );
    const { changes } = await runIn(repo, { base, head });
    expect(changes).toContain("widened widening/medium secflow config | policy.fail-on | none");
  });
});
