import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { strToU8, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectFromGitHub } from "../src/collect.ts";
import { type Database, openDatabase } from "../src/database.ts";
import { gitHubClient } from "../src/github-client.ts";
import { freshDatabase } from "./support/fresh-database.ts";
import { gateRepository, teamConfig } from "./support/gate-evidence.ts";
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
    expect(result).toMatchObject({ artifacts: 0, evidence: 0 });
    expect(api.requests.filter((r) => r.path.includes("/storage/") || r.path.endsWith("/zip"))).toEqual([]);
    const gets = api.requests.filter((r) => r.method === "GET");
    expect(gets.every((r) => r.status === 304)).toBe(true);
    expect(github.count.notModified).toBe(gets.length);
    // Only the pull request that is still open is asked about again: one GraphQL query.
    expect(api.requests.filter((r) => r.path === "/graphql")).toHaveLength(1);
    expect(github.count.requests).toBe(api.requests.length);
  });
});
