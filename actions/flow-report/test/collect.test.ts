import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { strToU8, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectFromGitHub } from "../src/collect.ts";
import { type Database, openDatabase } from "../src/database.ts";
import { gitHubClient } from "../src/github-client.ts";
import { freshDatabase } from "./support/fresh-database.ts";
import { gateOnce, gateRepository, teamConfig } from "./support/gate-evidence.ts";
import { type FakeGitHub, fakeGitHub } from "./support/github-server.ts";

const TOKEN = "ghs_flowreporttoken0123456789abcdef";
let tmp: string;
let db: Database;
let api: FakeGitHub;

const zipOf = (files: Record<string, unknown>) =>
  zipSync(Object.fromEntries(Object.entries(files).map(([n, v]) => [n, strToU8(JSON.stringify(v))])));

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "flow-report-collect-"));
  api = await fakeGitHub();
  const repo = await gateRepository(teamConfig("payments", "2099-01-01"));
  const env = (run: string) => ({ GITHUB_REPOSITORY: "acme/shop", GITHUB_RUN_ID: run });
  const one = await repo.gate({
    number: 1,
    title: "docs",
    author: "dana",
    files: { "README.md": "# a\n" },
    env: env("1"),
  });
  const two = await repo.gate({
    number: 2,
    title: "auth",
    author: "eli",
    files: { "src/auth/login.js": "export const x = 1;\n" },
    env: env("2"),
  });
  await repo.cleanup();
  api.state.orgs.acme = ["acme/shop", "acme/api"];
  api.addArtifact("acme/shop", 1, zipOf({ "evidence.json": one }));
  api.addArtifact("acme/shop", 2, zipOf({ "evidence.json": two }));
  api.addArtifact("acme/shop", 3, strToU8("this is not a zip"));
  // Expired ones, enough to need a second page.
  for (let id = 100; id < 201; id++) api.addArtifact("acme/shop", id, new Uint8Array(), { expired: true });
  const review = { __typename: "PullRequestReview", state: "APPROVED", submittedAt: "2026-11-03T12:00:00Z" };
  api.state.timelines["acme/shop"] = {
    1: {
      number: 1,
      createdAt: "2026-11-02T09:00:00Z",
      updatedAt: "2026-11-02T11:00:00Z",
      mergedAt: "2026-11-02T11:00:00Z",
      closedAt: "2026-11-02T11:00:00Z",
      timelineItems: { nodes: [] },
    },
    2: {
      number: 2,
      createdAt: "2026-11-02T09:30:00Z",
      updatedAt: "2026-11-03T12:00:00Z",
      mergedAt: null,
      closedAt: null,
      timelineItems: {
        nodes: [{ __typename: "ReviewRequestedEvent", createdAt: "2026-11-02T10:00:00Z" }, review],
      },
    },
  };
  db = await openDatabase(await freshDatabase(path.join(tmp, "flow.db.tar.gz")));
}, 60_000);

afterAll(async () => {
  await db.close();
  await api.close();
  await rm(tmp, { recursive: true, force: true });
});

const client = () => gitHubClient({ token: TOKEN, baseUrl: api.url, db, progress: () => {} });

describe("collecting from GitHub", () => {
  it("reads every repository of an organisation: new artifacts, paginated, and their pull requests' timelines", async () => {
    api.state.failures.push({ path: /\/repos\/acme\/api\/actions\/artifacts$/, status: 502, times: 1 });
    const lines: string[] = [];
    const github = await client();
    const result = await collectFromGitHub(db, github, { repositories: [], organisation: "acme" }, (l) =>
      lines.push(l),
    );
    expect(result).toMatchObject({ repositories: 2, artifacts: 3, evidence: 2, timelines: 2 });
    expect(result.bad).toEqual([
      { file: "acme/shop/artifacts/3", reason: expect.stringMatching(/^not a zip archive/) },
    ]);
    expect(lines).toEqual([
      "repository 1 of 2: acme/shop, 3 new evidence artifacts",
      "repository 2 of 2: acme/api, 0 new evidence artifacts",
    ]);
    // Two pages of artifacts, and the 502 was retried.
    expect(api.requests.filter((r) => r.path === "/repos/acme/shop/actions/artifacts")).toHaveLength(2);
    expect(
      api.requests.filter((r) => r.path === "/repos/acme/api/actions/artifacts").map((r) => r.status),
    ).toEqual([502, 200]);
    // The token goes with each API request.
    expect(api.requests.find((r) => r.path.startsWith("/repos/"))?.authorization).toBe(`token ${TOKEN}`);
    const [pr] = await db.query<{ approved: Date; requested: Date }>(
      "SELECT security_approved_at AS approved, review_requested_at AS requested FROM pull_request WHERE number = 2",
    );
    expect(pr?.approved.toISOString()).toBe("2026-11-03T12:00:00.000Z");
    expect(pr?.requested.toISOString()).toBe("2026-11-02T10:00:00.000Z");
  });

  it("re-syncs cheaply: unchanged lists answer 304 from the stored ETags, nothing is downloaded again", async () => {
    api.requests.length = 0;
    const github = await client();
    const result = await collectFromGitHub(db, github, { repositories: [], organisation: "acme" }, () => {});
    expect(result).toMatchObject({ artifacts: 0, evidence: 0, timelines: 0 });
    expect(api.requests.filter((r) => r.path.includes("/storage/") || r.path.endsWith("/zip"))).toEqual([]);
    // #2 is still open: the list of pull requests by update says whether it changed. The first
    // sync did not need that list (its new evidence covered every open pull request): read now.
    const gets = api.requests.filter((r) => r.method === "GET");
    expect(gets.filter((r) => r.status !== 304).map((r) => r.path)).toEqual(["/repos/acme/shop/pulls"]);
    // It did not: #2 is not asked about again. acme/api has no evidence: nothing is asked.
    expect(api.requests.filter((r) => r.path === "/graphql")).toEqual([]);
    expect(github.count.requests).toBe(api.requests.length);

    api.requests.length = 0;
    const again = await client();
    await collectFromGitHub(db, again, { repositories: [], organisation: "acme" }, () => {});
    expect(api.requests.every((r) => r.method === "GET" && r.status === 304)).toBe(true);
    expect(again.count.notModified).toBe(api.requests.length);
  });

  it("asks only about pull requests updated since the last sync, and those with new evidence", async () => {
    // #2 gets its approval and is merged; #3 is new and updated later, but has no evidence; #4 has new evidence.
    const timelines = api.state.timelines["acme/shop"] ?? {};
    const two = { ...timelines[2]!, updatedAt: "2026-11-04T09:00:00Z", mergedAt: "2026-11-04T09:00:00Z" };
    timelines[2] = two;
    timelines[3] = { ...two, number: 3, updatedAt: "2026-11-04T10:00:00Z" };
    const four = await gateOnce(teamConfig("payments", "2099-01-01"), {
      number: 4,
      title: "more docs",
      author: "dana",
      files: { "docs/b.md": "# b\n" },
      env: { GITHUB_REPOSITORY: "acme/shop", GITHUB_RUN_ID: "4" },
    });
    api.addArtifact("acme/shop", 4, zipOf({ "evidence.json": four }));
    api.requests.length = 0;
    const result = await collectFromGitHub(db, await client(), { repositories: ["acme/shop"] }, () => {});
    expect(result).toMatchObject({ artifacts: 1, evidence: 1 });
    // New evidence needs a query anyway, and the one open pull request fits in it: one query,
    // no list of pulls.
    expect(api.requests.filter((r) => r.path === "/graphql").map((r) => r.pullRequests)).toEqual([[2, 4]]);
    expect(api.requests.filter((r) => r.path === "/repos/acme/shop/pulls")).toEqual([]);
    const [pr] = await db.query<{ merged: Date }>(
      "SELECT merged_at AS merged FROM pull_request WHERE repository = 'acme/shop' AND number = 2",
    );
    expect(pr?.merged.toISOString()).toBe("2026-11-04T09:00:00.000Z");

    // No new evidence: the list says what changed since #2's update. #3 has no evidence and #2
    // is merged: nothing is asked. Then #4 is updated: only #4 is asked about.
    api.requests.length = 0;
    await collectFromGitHub(db, await client(), { repositories: ["acme/shop"] }, () => {});
    expect(api.requests.filter((r) => r.path === "/repos/acme/shop/pulls")).toHaveLength(1);
    expect(api.requests.filter((r) => r.path === "/graphql")).toEqual([]);
    timelines[4] = { ...two, number: 4, updatedAt: "2026-11-05T08:00:00Z", mergedAt: null, closedAt: null };
    api.requests.length = 0;
    await collectFromGitHub(db, await client(), { repositories: ["acme/shop"] }, () => {});
    expect(api.requests.filter((r) => r.path === "/graphql").map((r) => r.pullRequests)).toEqual([[4]]);
  });
});
