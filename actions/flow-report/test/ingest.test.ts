import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { UserError } from "@secflow/errors";
import { webhookExample } from "@secflow/kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../src/database.ts";
import { ingestFolder } from "../src/ingest.ts";
import { buildReport } from "../src/report.ts";
import { freshDatabase } from "./support/fresh-database.ts";
import { gateOnce, teamConfig } from "./support/gate-evidence.ts";

let tmp: string;
let folder: string;
let db: Database;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "flow-report-ingest-"));
  folder = path.join(tmp, "evidence");
  await mkdir(path.join(folder, "nested"), { recursive: true });
  const evidence = await gateOnce(teamConfig("payments", "2099-01-01"), {
    number: 5,
    title: "docs",
    author: "dana",
    files: { "README.md": "# shop!\n" },
    env: { GITHUB_REPOSITORY: "acme/shop", GITHUB_RUN_ID: "5" },
  });
  await writeFile(path.join(folder, "nested", "evidence.json"), JSON.stringify(evidence));
  // A merged pull request as the REST API returns it (the closed example's pull_request).
  const pr = webhookExample("pull_request", "closed").pull_request;
  await writeFile(path.join(folder, "pull-5.json"), JSON.stringify({ ...pr, number: 5 }));
  await writeFile(path.join(folder, "broken.json"), '{"evidenceVersion": 2, "decision": ');
  await writeFile(path.join(folder, "wrong.json"), JSON.stringify({ ...evidence, decision: "maybe" }));
  await writeFile(path.join(folder, "policy-diff.json"), JSON.stringify({ version: 1, changes: [] }));
  await writeFile(path.join(folder, "notes.txt"), "not JSON and not named .json");
  db = await openDatabase(await freshDatabase(path.join(tmp, "flow.db.tar.gz")));
}, 60_000);

afterAll(async () => {
  await db.close();
  await rm(tmp, { recursive: true, force: true });
});

describe("ingesting a folder of evidence", () => {
  it("stores the records, and names every file it could not use and why", async () => {
    const lines: string[] = [];
    const result = await ingestFolder(db, folder, (l) => lines.push(l));
    expect(result.evidence).toBe(1);
    expect(result.pullRequests).toBe(1);
    expect(result.bad).toEqual([
      { file: "broken.json", reason: expect.stringMatching(/^not JSON: /) },
      { file: "wrong.json", reason: 'decision "maybe" is not pass, review or fail' },
    ]);
    expect(result.ignored).toEqual(["policy-diff.json"]);
    const [row] = await db.query<{ repository: string; team: string; pr_number: number }>(
      "SELECT repository, team, pr_number FROM evidence",
    );
    expect(row).toEqual({ repository: "acme/shop", team: "payments", pr_number: 5 });
    const [pr] = await db.query<{ repository: string; merged: boolean }>(
      "SELECT repository, merged_at IS NOT NULL AS merged FROM pull_request",
    );
    expect(pr).toEqual({ repository: "Codertocat/Hello-World", merged: false });
  });

  it("counts a new finding that sent a change to review by its tool and severity, as the gate recorded it", async () => {
    // secflow sast (ESLint) on a pull request that adds an eval of request input, then the gate.
    const evidence = await gateOnce(teamConfig("payments", "2099-01-01"), {
      number: 9,
      title: "search",
      author: "erin",
      files: { "src/search.js": "export function search(req) {\n  return eval(req.query.q);\n}\n" },
      env: { GITHUB_REPOSITORY: "acme/shop", GITHUB_RUN_ID: "9" },
      sast: true,
    });
    const reason = evidence.reasons.find((r: { rule: string }) => r.rule === "gate/new-finding");
    expect(reason?.finding).toMatchObject({ tool: "ESLint", category: "sast" });
    const own = path.join(tmp, "with-finding");
    await mkdir(own, { recursive: true });
    await writeFile(path.join(own, "evidence.json"), JSON.stringify(evidence));
    const store = await openDatabase(await freshDatabase(path.join(tmp, "findings.db.tar.gz")));
    try {
      await ingestFolder(store, own, () => {});
      const rows = (await buildReport(store, new Date())).tables.new_findings?.rows;
      expect(rows).toContainEqual({
        team: "all",
        category: "sast",
        tool: "ESLint",
        severity: reason.finding.severity,
        pull_requests: 1,
      });
    } finally {
      await store.close();
    }
  }, 60_000);

  it("reports a file over the size bound instead of reading it", async () => {
    const result = await ingestFolder(db, folder, () => {}, { maxFileBytes: 200, maxFiles: 100 });
    expect(result.evidence).toBe(0);
    expect(result.bad.map((b) => b.file)).toContain(path.join("nested", "evidence.json"));
    expect(result.bad.find((b) => b.file.endsWith("evidence.json"))?.reason).toMatch(
      /more than the 200 an evidence record may have/,
    );
  });

  it("bounds the number of files, and says what to do", async () => {
    await expect(ingestFolder(db, folder, () => {}, { maxFileBytes: 1e6, maxFiles: 2 })).rejects.toThrow(
      /more than 2 JSON files; split it/,
    );
  });

  it("is a UserError when the folder does not exist", async () => {
    const error = await ingestFolder(db, path.join(tmp, "nope"), () => {}).catch((e) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/does not exist/);
  });
});
