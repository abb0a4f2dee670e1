// Which findings the change brings in: the kit's change resolver for every event (real payloads
// from @octokit/webhooks-examples pointed at a temp repository's commits), the base input, an
// earlier SARIF file, and the errors a user can fix.

import path from "node:path";
import { validate } from "@secflow/sarif";
import { afterEach, describe, expect, it } from "vitest";
import { FIXTURES } from "./helpers.ts";
import { scan, states, where } from "./scan.ts";
import { eventEnv, type Workspace, workspace } from "./workspace.ts";

const OSV_DB = path.join(FIXTURES, "osv");
let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.cleanup();
  ws = undefined;
});

/** main: lodash 4.17.20; feature (checked out): lodash 4.17.15, minimist 1.2.5 and two nested copies. */
async function change(): Promise<{ base: string; head: string }> {
  ws = await workspace();
  await ws.copy("npm-v3-base", "web");
  const base = await ws.commit("base: lodash 4.17.20");
  await ws.git("checkout", "-q", "-b", "feature");
  await ws.copy("npm-v3", "web");
  const head = await ws.commit("head: lodash 4.17.15, minimist 1.2.5");
  return { base, head };
}

// What the lockfiles at the merge base say about the head's findings.
const AGAINST_BASE = [
  "GHSA-35jh-r3h4-6jhm 4.17.15 updated", // 4.17.20 was already affected by it
  "GHSA-p6mc-m468-83gw 4.17.15 new", // 4.17.20 was not: the downgrade brings it in
  "GHSA-xvch-5gv4-984h 0.0.10 updated", // optimist's minimist: 0.0.8 at base, also affected
  "GHSA-xvch-5gv4-984h 0.0.8 unchanged",
  "GHSA-xvch-5gv4-984h 1.2.5 new",
];

describe("baseline auto: the base commit of the event", () => {
  it.each([
    "pull_request",
    "pull_request_target",
    "pull_request_review",
    "merge_group",
    "push",
  ] as const)("%s: new only when the change brings the vulnerable package in", async (event) => {
    const { base, head } = await change();
    const env = { ...(await eventEnv(event, { base, head })), GITHUB_REPOSITORY: "acme/shop" };
    const { log, results, io } = await scan(ws?.dir as string, { "osv-db": OSV_DB }, env);
    expect(validate(log)).toEqual({ valid: true, issues: [] });
    expect(states(results)).toEqual(AGAINST_BASE);
    expect(log.runs[0]?.properties?.secflow).toMatchObject({ mode: "diff", baseRef: base, headRef: head });
    expect(log.runs[0]?.versionControlProvenance?.[0]).toMatchObject({
      repositoryUri: "https://github.com/acme/shop",
      revisionId: head,
    });
    expect(io.outputs).toMatchObject({ "new-count": "2", "total-count": "5", "max-severity": "critical" });
    expect(io.summary).toContain("### New vulnerable dependencies");
    expect(io.summary).not.toContain("0.0.8 |");
  });

  it("merge_group: the queue's base_sha and head_sha, with a base branch that moved on", async () => {
    const { base, head } = await change();
    // main gains a commit after the group was cut: the merge base, not main's tip, is compared.
    await ws?.git("checkout", "-q", "main");
    await ws?.copy("npm-v3", "web");
    const moved = await ws?.commit("main: the same bump landed separately");
    await ws?.git("checkout", "-q", "feature");
    const env = await eventEnv("merge_group", { base: moved as string, head });
    const { results, log, printed } = await scan(ws?.dir as string, { "osv-db": OSV_DB }, env);
    expect(states(results)).toEqual(AGAINST_BASE);
    expect(log.runs[0]?.properties?.secflow).toMatchObject({ baseRef: base, headRef: head });
    expect(printed).toMatch(/Compared \w{12} with .* \(merge base \w{12}, from merge-group\)/);
  });

  it.each([
    "workflow_dispatch",
    "schedule",
  ] as const)("%s: no base, so a full scan that says so", async (event) => {
    const { head } = await change();
    const env = await eventEnv(event, { head });
    const { log, results, io, printed } = await scan(ws?.dir as string, { "osv-db": OSV_DB }, env);
    expect(results.every((r) => r.baselineState === undefined)).toBe(true);
    expect(log.runs[0]?.properties?.secflow).toMatchObject({ mode: "full" });
    expect(io.outputs).toMatchObject({ "new-count": "5", "total-count": "5" });
    expect(printed).toContain(`A full scan, every finding counts as new: a ${event} run has no base commit.`);
  });

  it("a push that created the branch has no earlier commit: a full scan", async () => {
    const { head } = await change();
    const env = await eventEnv("push", { head });
    const { results, printed } = await scan(ws?.dir as string, { "osv-db": OSV_DB }, env);
    expect(results.every((r) => r.baselineState === undefined)).toBe(true);
    expect(printed).toContain("the push created the branch");
  });

  it("a base that is not in the clone is an error, never a silent fallback", async () => {
    const { head } = await change();
    const missing = "1234567890abcdef1234567890abcdef12345678";
    const env = await eventEnv("pull_request", { base: missing, head });
    await expect(scan(ws?.dir as string, { "osv-db": OSV_DB }, env)).rejects.toThrow(
      /No merge base of the base commit 1234567890ab and the head commit \w{12} in the clone.*fetch-depth: 0/,
    );
    // baseline none needs no base, so the same event scans everything.
    const { io } = await scan(ws?.dir as string, { "osv-db": OSV_DB, baseline: "none" }, env);
    expect(io.outputs["new-count"]).toBe("5");
  });
});

describe("the base input", () => {
  it("overrides the event's base", async () => {
    const { head } = await change();
    // The event claims the change is based on itself (nothing new); base: main wins.
    const env = await eventEnv("pull_request", { base: head, head });
    const { results, log } = await scan(ws?.dir as string, { "osv-db": OSV_DB, base: "main" }, env);
    expect(states(results)).toEqual(AGAINST_BASE);
    expect(log.runs[0]?.properties?.secflow).toMatchObject({ mode: "diff" });
  });

  it("compares a local run with the ref named, following a renamed lockfile", async () => {
    ws = await workspace();
    await ws.copy("npm-v3", "web");
    await ws.commit("base");
    await ws.git("checkout", "-q", "-b", "feature");
    await ws.git("mv", "web", "frontend");
    await ws.commit("rename");
    const { results } = await scan(ws.dir, { "osv-db": OSV_DB, baseline: "ref", base: "main" });
    expect(results).toHaveLength(5);
    expect(results.every((r) => r.baselineState === "unchanged" && where(r).startsWith("frontend/"))).toBe(
      true,
    );
  });

  it("baseline ref without any base is an error (auto would scan everything)", async () => {
    const { head } = await change();
    const env = await eventEnv("workflow_dispatch", { head });
    await expect(scan(ws?.dir as string, { "osv-db": OSV_DB, baseline: "ref" }, env)).rejects.toThrow(
      /baseline ref: a workflow_dispatch run has no base commit/,
    );
  });
});

describe("baseline: an earlier SARIF file", () => {
  it("marks findings against the earlier run's results", async () => {
    await change();
    const dir = ws?.dir as string;
    await ws?.git("checkout", "-q", "main");
    await scan(dir, { "osv-db": OSV_DB, baseline: "none", output: "out/main-sca.sarif" });
    await ws?.git("checkout", "-q", "feature");
    const { results, log, io } = await scan(dir, { "osv-db": OSV_DB, baseline: "out/main-sca.sarif" });
    expect(validate(log)).toEqual({ valid: true, issues: [] });
    expect(states(results)).toEqual([
      "GHSA-35jh-r3h4-6jhm 4.17.15 updated", // the same package and advisory, another version
      "GHSA-p6mc-m468-83gw 4.17.15 new",
      // The earlier run knows one dependency path per copy: mkdirp's minimist was there, the copy
      // optimist brings in and the direct 1.2.5 were not.
      "GHSA-xvch-5gv4-984h 0.0.10 new",
      "GHSA-xvch-5gv4-984h 0.0.8 unchanged",
      "GHSA-xvch-5gv4-984h 1.2.5 new",
    ]);
    expect(log.runs[0]?.properties?.secflow).toMatchObject({ mode: "diff" });
    expect(io.outputs["new-count"]).toBe("3");
    expect(io.summary).toContain("Compared with the earlier run out/main-sca.sarif.");
  });

  it("warns when no run of the file is of this scan", async () => {
    await change();
    const dir = ws?.dir as string;
    await scan(dir, { "osv-db": OSV_DB, baseline: "none", output: "out/other.sarif" });
    // Another team's runs have other categories (secflow/sca/npm/<team>/).
    await ws?.write({ ".github/secflow.yml": "team: payments\n" });
    const { io } = await scan(dir, { "osv-db": OSV_DB, baseline: "out/other.sarif" });
    expect(io.outputs["new-count"]).toBe("5");
    expect(io.annotations).toContainEqual({
      level: "warning",
      message: expect.stringMatching(
        /No run of out\/other\.sarif has a category of this scan \(secflow\/sca\/npm\/payments\/\), so every finding counts as new/,
      ),
    });
  });
});
