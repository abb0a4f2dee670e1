import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TempRepo, tempRepo } from "../test/temp-repo.ts";
import { MissingMergeBaseError } from "./change.ts";
import { pullRequestContext } from "./context.ts";

interface Example {
  action?: string;
  pull_request: {
    number: number;
    title: string;
    additions?: number;
    deletions?: number;
    changed_files?: number;
    base: { sha: string; ref: string };
    head: { sha: string; ref: string };
    labels: { name: string }[];
  };
}

let examples: { name: string; examples: Example[] }[];
let repo: TempRepo;
let payloadDir: string;
let firstSha: string;
let baseTip: string;
let branchPoint: string;
let headSha: string;

function example(name: string, action: string): Example {
  const found = examples.find((e) => e.name === name)?.examples.find((e) => e.action === action);
  if (!found) throw new Error(`no ${name}.${action} example`);
  return structuredClone(found);
}

/** A real payload, rewritten only in its base and head SHAs to point into the temp repository. */
async function eventEnv(name: string, action: string, shas: { base: string; head: string }) {
  const payload = example(name, action);
  payload.pull_request.base.sha = shas.base;
  payload.pull_request.head.sha = shas.head;
  const file = path.join(payloadDir, `${name}-${action}.json`);
  await writeFile(file, JSON.stringify(payload));
  return { payload, env: { GITHUB_EVENT_NAME: name, GITHUB_EVENT_PATH: file } };
}

beforeAll(async () => {
  const require = createRequire(import.meta.url);
  examples = JSON.parse(await readFile(require.resolve("@octokit/webhooks-examples"), "utf8"));
  payloadDir = await mkdtemp(path.join(tmpdir(), "secflow-event-"));
  repo = await tempRepo();
  await repo.write({ "README.md": "hello\n", "src/app.js": "a\nb\n" });
  firstSha = await repo.commit("first");
  await repo.write({ "src/app.js": "a\nb\nc\n" });
  branchPoint = await repo.commit("second");
  await repo.git("checkout", "-q", "-b", "changes");
  await repo.write({ "README.md": "hello\nworld\n", "src/new file.js": "x\n" });
  headSha = await repo.commit("feature");
  await repo.git("checkout", "-q", "main");
  await repo.write({ "main-only.txt": "later\n" });
  baseTip = await repo.commit("main moves on");
  await repo.git("checkout", "-q", "changes");
});
afterAll(async () => {
  await repo.cleanup();
  await rm(payloadDir, { recursive: true, force: true });
});

const featureFiles = [
  { path: "README.md", status: "modified", additions: 1, deletions: 0 },
  { path: "src/new file.js", status: "added", additions: 1, deletions: 0 },
];

describe("pullRequestContext from an event", () => {
  for (const [name, action] of [
    ["pull_request", "opened"],
    ["pull_request", "synchronize"],
    ["pull_request", "labeled"],
    ["pull_request_review", "submitted"],
  ] as const) {
    it(`reads a ${name}.${action} payload and the changes from git`, async () => {
      const { payload, env } = await eventEnv(name, action, { base: baseTip, head: headSha });
      const context = await pullRequestContext({ cwd: repo.dir, env });
      expect(context).toMatchObject({
        eventName: name,
        number: payload.pull_request.number,
        title: "Update the README with new information.",
        author: "Codertocat",
        url: "https://github.com/Codertocat/Hello-World/pull/2",
        repository: { owner: "Codertocat", repo: "Hello-World" },
        baseSha: baseTip,
        headSha,
        mergeBaseSha: branchPoint,
        baseRef: "master",
        headRef: "changes",
        labels: payload.pull_request.labels.map((l) => l.name),
        additions: 2,
        deletions: 0,
        changedFileCount: 2,
        changedFiles: featureFiles,
      });
    });
  }

  it("carries the labels of a labeled event", async () => {
    const { env } = await eventEnv("pull_request", "labeled", { base: baseTip, head: headSha });
    expect((await pullRequestContext({ cwd: repo.dir, env })).labels).toEqual(["bug"]);
  });

  it("lets explicit refs override the event's commits", async () => {
    const { env } = await eventEnv("pull_request", "opened", { base: baseTip, head: headSha });
    const context = await pullRequestContext({ cwd: repo.dir, env, base: firstSha, head: "main" });
    expect(context).toMatchObject({ baseSha: firstSha, headSha: baseTip, number: 2 });
    expect(context.changedFiles.map((f) => f.path)).toEqual(["main-only.txt", "src/app.js"]);
  });

  it("refuses, as every action does, when the commits are not in the clone", async () => {
    const missing = "0123456789abcdef0123456789abcdef01234567";
    const { env } = await eventEnv("pull_request", "synchronize", { base: missing, head: headSha });
    const error = await pullRequestContext({ cwd: repo.dir, env }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingMergeBaseError);
    expect((error as Error).message).toMatch(/fetch-depth: 0/);
  });
});

describe("pullRequestContext from local git", () => {
  it("compares HEAD with its merge base on main when no event applies", async () => {
    const context = await pullRequestContext({ cwd: repo.dir, env: { GITHUB_EVENT_NAME: "push" } });
    expect(context).toEqual({
      eventName: "push",
      baseSha: baseTip,
      baseSource: "local-branch",
      headSha,
      mergeBaseSha: branchPoint,
      labels: [],
      additions: 2,
      deletions: 0,
      changedFiles: featureFiles,
      changedFileCount: 2,
    });
  });

  it("takes explicit base and head refs", async () => {
    const context = await pullRequestContext({ cwd: repo.dir, env: {}, base: firstSha, head: "changes" });
    expect(context.baseSha).toBe(firstSha);
    expect(context.changedFiles.map((f) => f.path)).toEqual(["README.md", "src/app.js", "src/new file.js"]);
  });

  it("has no base, and says why, when there is no main branch to compare with", async () => {
    const lonely = await tempRepo();
    try {
      await lonely.git("checkout", "-q", "-b", "trunk");
      await lonely.commit("only");
      const context = await pullRequestContext({ cwd: lonely.dir, env: {} });
      expect(context.baseSha).toBeUndefined();
      expect(context.why).toMatch(/give the base input/);
    } finally {
      await lonely.cleanup();
    }
  });
});
