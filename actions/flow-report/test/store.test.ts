import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, maskUrl, openDatabase } from "../src/database.ts";
import { type EvidenceRow, evidenceRow, pullRequestRow } from "../src/evidence-record.ts";
import { buildReport } from "../src/report.ts";
import { simulateHistory } from "../src/simulate.ts";
import { counts, upsertEvidence, upsertPullRequests } from "../src/store.ts";
import { freshDatabase } from "./support/fresh-database.ts";
import { gateRepository, teamConfig } from "./support/gate-evidence.ts";
import { type PostgresServer, postgresBin, startPostgres } from "./support/postgres-server.ts";

// One schema and one set of statements on both stores: the embedded PGlite file and a real
// PostgreSQL server started for the test.

let tmp: string;
let rows: EvidenceRow[];
let server: PostgresServer | undefined;
const bin = postgresBin();

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "flow-report-store-"));
  const repo = await gateRepository(teamConfig("payments", "2099-01-01"));
  const env = { GITHUB_REPOSITORY: "acme/shop", GITHUB_RUN_ID: "11", GITHUB_RUN_ATTEMPT: "1" };
  const small = await repo.gate({
    number: 1,
    title: "docs",
    author: "dana",
    files: { "README.md": "# shop!\n" },
    env,
  });
  const risky = await repo.gate({
    number: 2,
    title: "login",
    author: "eli",
    files: { "src/auth/login.js": "export function login(user) { return user; }\n" },
    env: { ...env, GITHUB_RUN_ID: "12" },
  });
  await repo.cleanup();
  rows = [evidenceRow(small, "small.json"), evidenceRow(risky, "risky.json")];
  if (bin) server = await startPostgres(bin);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await rm(tmp, { recursive: true, force: true });
});

async function storeTwiceAndCount(db: Database) {
  await upsertEvidence(db, rows);
  await upsertEvidence(db, rows);
  const reasons = await db.query<{ rule: string }>(
    "SELECT r.rule FROM evidence_reason r JOIN evidence e ON e.id = r.evidence_id WHERE e.pr_number = 2 ORDER BY r.ord",
  );
  const teams = await db.query<{ team: string; n: number }>(
    "SELECT team, count(*)::int AS n FROM evidence GROUP BY team",
  );
  return { counts: await counts(db), reasons: reasons.map((r) => r.rule), teams };
}

describe("the embedded store (PGlite)", () => {
  it("upserts by evidence id, keeps one file between runs, and reads it back", async () => {
    // Started from an empty database file; bundle.test.ts runs initdb (a first run on a runner).
    const file = await freshDatabase(path.join(tmp, "flow.db.tar.gz"));
    const db = await openDatabase(file);
    expect(db.engine).toBe("pglite");
    const first = await storeTwiceAndCount(db);
    expect(first.counts.evidence).toBe(2);
    expect(first.reasons).toEqual(["gate/sensitive-path"]);
    expect(first.teams).toEqual([{ team: "payments", n: 2 }]);
    await db.close();
    const again = await openDatabase(file);
    expect((await counts(again)).evidence).toBe(2);
    await upsertEvidence(again, rows);
    expect((await counts(again)).evidence).toBe(2);
    await again.close();
  });

  it("keeps a data folder instead of one file when the name is not a .tar.gz", async () => {
    const folder = path.join(tmp, "flow-db");
    const db = await openDatabase(folder);
    await upsertEvidence(db, rows);
    await db.close();
    const again = await openDatabase(folder);
    expect(await counts(again)).toEqual({ evidence: 2, pullRequests: 0 });
    await again.close();
  });

  it("refuses a file that is not a database, saying what to do", async () => {
    const file = path.join(tmp, "not-a-db.tar.gz");
    await writeFile(file, "hello");
    await expect(openDatabase(file)).rejects.toThrow(/is not a flow-report database.*delete it/);
  });
});

describe.skipIf(!bin)("a PostgreSQL server (--database postgres://…)", () => {
  it("takes the same schema and statements", async () => {
    const db = await openDatabase(server?.url as string);
    expect(db.engine).toBe("postgres");
    const result = await storeTwiceAndCount(db);
    expect(result.counts.evidence).toBe(2);
    expect(result.reasons).toEqual(["gate/sensitive-path"]);
    expect(result.teams).toEqual([{ team: "payments", n: 2 }]);
    await db.close();
  });

  it("gives the same report as the embedded store, table for table", async () => {
    const now = new Date("2026-11-26T12:00:00Z");
    const history = simulateHistory({
      teams: ["a", "b"],
      repositoriesPerTeam: 2,
      weeks: 3,
      pullRequestsPerRepositoryWeek: 3,
      now,
    });
    const evidence = history.evidence.map((e, i) => evidenceRow(e, `${i}.json`));
    const pulls = history.pullRequests.map((p) => pullRequestRow(p));
    const reports = [];
    for (const spec of [server?.url as string, await freshDatabase(path.join(tmp, "parity.db.tar.gz"))]) {
      const db = await openDatabase(spec);
      await db.exec("TRUNCATE evidence, evidence_reason, evidence_escalation, evidence_waiver, pull_request");
      await upsertEvidence(db, evidence);
      await upsertPullRequests(db, pulls);
      reports.push(await buildReport(db, now));
      await db.close();
    }
    const [server_, embedded] = reports;
    expect(Object.keys(server_?.tables ?? {})).toHaveLength(11);
    expect(server_?.tables).toEqual(embedded?.tables);
    expect(embedded?.tables.summary?.rows[0]?.pull_requests).toBe(history.pullRequests.length);
  });

  it("names the server without its password when it cannot connect", async () => {
    const url = "postgres://flow:s3cret@127.0.0.1:1/none";
    await expect(openDatabase(url)).rejects.toThrow(
      /cannot connect to the PostgreSQL server postgres:\/\/flow:\*\*\*@127/,
    );
    expect(maskUrl(url)).not.toContain("s3cret");
  });
});

if (!bin)
  it.skip("PostgreSQL server tests: initdb and pg_ctl not found (Debian: apt-get install postgresql)", () => {});
