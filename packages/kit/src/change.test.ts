import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EventName, eventEnv } from "../test/events.ts";
import { type TempRepo, tempRepo } from "../test/temp-repo.ts";
import { describeChange, MissingMergeBaseError, resolveChange } from "./change.ts";

let repo: TempRepo;
let branchPoint: string;
let baseTip: string;
let headSha: string;

beforeAll(async () => {
  repo = await tempRepo();
  await repo.commit("first", { "README.md": "hello\n" });
  branchPoint = await repo.commit("second", { "app.js": "a\n" });
  await repo.git("checkout", "-q", "-b", "feature");
  headSha = await repo.commit("feature", { "app.js": "a\nb\n" });
  await repo.git("checkout", "-q", "main");
  baseTip = await repo.commit("main moves on", { "other.txt": "x\n" });
  await repo.git("checkout", "-q", "feature");
});
afterAll(() => repo.cleanup());

describe("resolveChange, one meaning for every event", () => {
  const compared: [EventName, string][] = [
    ["pull_request", "pull-request"],
    ["pull_request_target", "pull-request"],
    ["pull_request_review", "pull-request"],
    ["merge_group", "merge-group"],
    ["push", "push"],
  ];
  it.each(compared)("%s: base and head from the payload, merge base from git", async (name, source) => {
    const env = await eventEnv(name, { base: baseTip, head: headSha });
    const change = await resolveChange({ cwd: repo.dir, env });
    expect(change).toMatchObject({
      eventName: name,
      baseSha: baseTip,
      headSha,
      mergeBaseSha: branchPoint,
      baseSource: source,
    });
    expect(describeChange(change)).toMatch(/^Compared /);
  });

  it("merge_group: the queue's refs without refs/heads/", async () => {
    const env = await eventEnv("merge_group", { base: baseTip, head: headSha });
    const change = await resolveChange({ cwd: repo.dir, env });
    expect(change.baseRef).toBe("main");
    expect(change.headRef).toMatch(/^gh-readonly-queue\/main\//);
  });

  it.each([
    ["workflow_dispatch", /workflow_dispatch run has no base commit/],
    ["schedule", /schedule run has no base commit/],
    ["push", /created the branch/],
  ] as const)("%s without an earlier commit: no base, and the reason", async (name, why) => {
    const env = await eventEnv(name, { head: headSha });
    const change = await resolveChange({ cwd: repo.dir, env });
    expect(change.baseSha).toBeUndefined();
    expect(change.mergeBaseSha).toBeUndefined();
    expect(change.why).toMatch(why);
    expect(describeChange(change)).toMatch(/^Not compared with a base/);
  });

  it("the base input overrides the event's base and records the event's own", async () => {
    const env = await eventEnv("pull_request", { base: baseTip, head: headSha });
    const change = await resolveChange({ cwd: repo.dir, env, base: branchPoint });
    expect(change).toMatchObject({ baseSha: branchPoint, baseSource: "input", eventBaseSha: baseTip });
  });

  it("a local run with no event compares with the main branch", async () => {
    const change = await resolveChange({ cwd: repo.dir, env: {} });
    expect(change).toMatchObject({
      baseSha: baseTip,
      mergeBaseSha: branchPoint,
      headSha,
      baseSource: "local-branch",
    });
  });

  it("a base that is not in the clone is one clear error, whatever the event", async () => {
    const missing = "0123456789abcdef0123456789abcdef01234567";
    for (const name of ["pull_request", "merge_group", "push"] as const) {
      const env = await eventEnv(name, { base: missing, head: headSha });
      const error = await resolveChange({ cwd: repo.dir, env }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MissingMergeBaseError);
      expect((error as Error).message).toMatch(
        /No merge base of the base commit 0123456789ab .*fetch-depth: 0/,
      );
    }
  });

  it("two histories with nothing in common are the same error", async () => {
    await repo.git("checkout", "-q", "--orphan", "unrelated");
    const orphan = await repo.commit("unrelated", { "x.txt": "x\n" });
    await repo.git("checkout", "-q", "feature");
    const error = await resolveChange({ cwd: repo.dir, env: {}, base: orphan }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingMergeBaseError);
  });
});

describe("resolveChange for a scanner of the checked-out tree", () => {
  it("compares the checked-out merge commit with the base tip, as the merge would change main", async () => {
    // actions/checkout's default for pull_request: refs/pull/N/merge, the head merged into base.
    await repo.git("checkout", "-q", "--detach", baseTip);
    await repo.git("merge", "-q", "--no-ff", "--no-edit", headSha);
    const mergeCommit = (await repo.git("rev-parse", "HEAD")).trim();
    try {
      const env = await eventEnv("pull_request", { base: baseTip, head: headSha });
      const scanned = await resolveChange({ cwd: repo.dir, env, checkout: true });
      expect(scanned).toMatchObject({ headSha: mergeCommit, eventHeadSha: headSha, mergeBaseSha: baseTip });
      const event = await resolveChange({ cwd: repo.dir, env });
      expect(event).toMatchObject({ headSha, mergeBaseSha: branchPoint });
    } finally {
      await repo.git("checkout", "-q", "feature");
    }
  });
});
