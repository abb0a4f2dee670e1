import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import * as tar from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, maskUrl, openDatabase } from "../src/database.ts";
import { type EvidenceRow, evidenceRow, pullRequestRow } from "../src/evidence-record.ts";
import { QUERIES } from "../src/queries.ts";
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
    "SELECT r.rule FROM evidence_reason r JOIN evidence e ON e.key = r.evidence_key WHERE e.pr_number = 2 ORDER BY r.ord",
  );
  const teams = await db.query<{ team: string; n: number }>(
    "SELECT team, count(*)::int AS n FROM evidence GROUP BY team",
  );
  return { counts: await counts(db), reasons: reasons.map((r) => r.rule), teams };
}

describe("the embedded store (PGlite)", () => {
  it("upserts by evidence id, keeps one file between runs, and reads it back", async () => {
    // Started from an empty database file; bundle.test.ts runs initdb (a first run on a runner).
    const file = await freshDatabase(path.join(tmp, "flow.db.tar"));
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
    // A .tar is saved as a plain tar (the cache compresses it); .tar.gz is gzipped.
    const magic = async (name: string) => (await readFile(name)).subarray(0, 2).toString("hex");
    expect(await magic(file)).not.toBe("1f8b");
    const gzipped = await freshDatabase(path.join(tmp, "flow.db.tar.gz"));
    await (await openDatabase(gzipped)).close();
    expect(await magic(gzipped)).toBe("1f8b");
  });

  it("keeps the last copy of a record read twice in one load, and builds back every key after a bulk load", async () => {
    const db = await openDatabase(await freshDatabase(path.join(tmp, "bulk.db.tar.gz")));
    const keys = () =>
      db.query<{ name: string }>(
        `SELECT conname AS name FROM pg_constraint WHERE conrelid::regclass::text LIKE 'evidence%' OR conrelid::regclass::text = 'pull_request'
         UNION SELECT indexname FROM pg_indexes WHERE tablename LIKE 'evidence%' ORDER BY 1`,
      );
    const before = await keys();
    const [small, risky] = rows as [EvidenceRow, EvidenceRow];
    // The same gate run twice in one load (a folder and its copy): the later copy wins, children too.
    const copy = {
      ...risky,
      source: "copy.json",
      reasons: [...risky.reasons, { ...risky.reasons[0], rule: "gate/batch-size" }],
    };
    await upsertEvidence(db, [risky, small, copy as EvidenceRow]);
    expect(await keys()).toEqual(before);
    expect(before.map((k) => k.name)).toEqual(
      expect.arrayContaining([
        "evidence_pkey",
        "evidence_pr",
        "evidence_waiver_evidence_key_fkey",
        "pull_request_pkey",
      ]),
    );
    const [stored] = await db.query<{ source: string; reasons: string[] }>(
      "SELECT e.source, array_agg(r.rule ORDER BY r.ord) AS reasons FROM evidence e JOIN evidence_reason r ON r.evidence_key = e.key WHERE e.id = $1 GROUP BY e.source",
      [risky.id],
    );
    expect(stored).toEqual({ source: "copy.json", reasons: ["gate/sensitive-path", "gate/batch-size"] });
    // A record whose parent is missing is still refused: the foreign keys are back.
    await expect(
      db.query(
        "INSERT INTO evidence_reason (evidence_key, ord, rule, verdict) VALUES (-1, 0, 'r', 'review')",
      ),
    ).rejects.toThrow(/foreign key/);
    await db.close();
  });

  it("starts a new database from the empty template when there is one (no initdb), and from initdb when not", async () => {
    const template = await freshDatabase(path.join(tmp, "template.tar.gz"));
    const identifier = async (db: Database) =>
      (await db.query<{ id: string }>("SELECT system_identifier::text AS id FROM pg_control_system()"))[0]
        ?.id;
    const original = await openDatabase(template);
    const expected = await identifier(original);
    await original.close({ save: false });
    const copy = await openDatabase(path.join(tmp, "from-template.tar.gz"), tmp, template);
    expect(await identifier(copy)).toBe(expected);
    expect(await counts(copy)).toEqual({ evidence: 0, pullRequests: 0 });
    await copy.close();
    // Control: no template file, so initdb makes a database of its own.
    const own = await openDatabase(
      path.join(tmp, "own.tar.gz"),
      tmp,
      path.join(tmp, "no-such-template.tar.gz"),
    );
    expect(await identifier(own)).not.toBe(expected);
    await own.close();
  });

  it("reports from the flow the last sync stored, and stores it again after records change", async () => {
    const db = await openDatabase(await freshDatabase(path.join(tmp, "flow-snapshot.tar.gz")));
    try {
      const pulls = async () => (await buildReport(db, new Date())).tables.summary?.rows[0]?.pull_requests;
      await upsertEvidence(db, rows.slice(0, 1));
      expect(await pulls()).toBe(1);
      // Stored: the report reads the table, which now stays as it is until the records change.
      const [fresh] = await db.query<{ stale: boolean }>("SELECT stale FROM flow_state");
      expect(fresh?.stale).toBe(false);
      await upsertEvidence(db, rows.slice(1));
      expect(await pulls()).toBe(2);
    } finally {
      await db.close();
    }
  });

  it("keeps a data folder instead of one file when the name is not a .tar or .tar.gz", async () => {
    const folder = path.join(tmp, "flow-db");
    // A new folder starts from the empty database too (initdb is the template test's control).
    const db = await openDatabase(folder, tmp, await freshDatabase(path.join(tmp, "folder-template.tar")));
    await upsertEvidence(db, rows);
    await db.close();
    const again = await openDatabase(folder);
    expect(await counts(again)).toEqual({ evidence: 2, pullRequests: 0 });
    await again.close();
  });

  it("refuses an archive whose entries would land outside its folder, writing nothing there", async () => {
    // A poisoned cache: a tar entry named ../escaped.txt (ustar header, then the content).
    const entry = (name: string, body: string) => {
      const header = Buffer.alloc(512);
      header.write(name, 0);
      header.write("0000600\0", 100);
      header.write(`${Buffer.byteLength(body).toString(8).padStart(11, "0")}\0`, 124);
      header.write("        ", 148);
      header.write("0", 156);
      header.write("ustar\u000000", 257);
      const sum = header.reduce((n, b) => n + b, 0);
      header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
      const content = Buffer.alloc(Math.ceil(Buffer.byteLength(body) / 512) * 512);
      content.write(body);
      return Buffer.concat([header, content]);
    };
    const file = path.join(tmp, "poisoned", "db.tar.gz");
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, gzipSync(Buffer.concat([entry("../escaped.txt", "gotcha"), Buffer.alloc(1024)])));
    await expect(openDatabase(file)).rejects.toThrow(/is not a flow-report database.*leaves the data folder/);
    expect(existsSync(path.join(tmpdir(), "escaped.txt"))).toBe(false);
    expect(existsSync(path.join(tmp, "poisoned", "escaped.txt"))).toBe(false);
  });

  it("refuses an archive with a link in it (writes through it could land anywhere); a plain one opens", async () => {
    const folder = path.join(tmp, "linked");
    await mkdir(path.join(folder, "base"), { recursive: true });
    await symlink("/etc", path.join(folder, "base", "etc"));
    const file = path.join(tmp, "linked.tar.gz");
    await tar.create({ file, cwd: folder, gzip: true }, ["."]);
    await expect(openDatabase(file)).rejects.toThrow(
      /is not a flow-report database.*"\.\/base\/etc" is a SymbolicLink/,
    );
    // Control: the same archive without the link is read (and, holding no database, made one).
    await rm(path.join(folder, "base", "etc"));
    await tar.create({ file, cwd: folder, gzip: true }, ["."]);
    const db = await openDatabase(file);
    await db.close();
  });

  it("refuses a store of another format, saying what to do; its own format opens", async () => {
    const file = await freshDatabase(path.join(tmp, "format.db.tar"));
    const db = await openDatabase(file);
    await upsertEvidence(db, rows);
    await db.close();
    // Control: this version's store opens again.
    await (await openDatabase(file)).close({ save: false });
    const older = await openDatabase(file);
    await older.exec("UPDATE store_format SET version = 1");
    await older.close();
    await expect(openDatabase(file)).rejects.toThrow(
      /holds a flow-report store in format 1, and this flow-report reads format 2: delete it/,
    );
    // A store from before the format was recorded is format 1.
    const unmarked = await freshDatabase(path.join(tmp, "unmarked.db.tar"));
    const before = await openDatabase(unmarked);
    await before.exec("DROP TABLE store_format");
    await before.close();
    await expect(openDatabase(unmarked)).rejects.toThrow(/in format 1, and this flow-report reads format 2/);
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
    expect(Object.keys(server_?.tables ?? {})).toEqual(expect.arrayContaining(QUERIES.map((q) => q.name)));
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
