/**
 * flow-report at organisation scale: a generated organisation of `--repos` repositories and
 * `--prs` pull requests (about 1.1 gate runs each, plus each pull request's REST record), as a
 * folder of evidence files. Measures, each in a fresh process: a bare read + JSON.parse of every
 * file (the floor), ingesting the folder into a new embedded database (PGlite, saved to its
 * file), and building the report (every query, HTML, markdown, CSV, JSON). Then counts the GitHub
 * API requests a nightly sync needs, by running the real collector against the local fake GitHub
 * on a sample of repositories and scaling to the organisation.
 *
 *   node bench/run.mjs flow-report                       1,000 repositories, 200,000 pull requests
 *   node bench/run.mjs flow-report --repos 100 --prs 20000
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { strToU8, zipSync } from "fflate";
import { collectFromGitHub } from "../actions/flow-report/src/collect.ts";
import { openDatabase } from "../actions/flow-report/src/database.ts";
import { gitHubClient } from "../actions/flow-report/src/github-client.ts";
import { ingestFolder } from "../actions/flow-report/src/ingest.ts";
import { writeReport } from "../actions/flow-report/src/outputs.ts";
import { buildReport } from "../actions/flow-report/src/report.ts";
import { simulateHistory, writeHistory } from "../actions/flow-report/src/simulate.ts";
import { fakeGitHub } from "../actions/flow-report/test/support/github-server.ts";

const here = fileURLToPath(import.meta.url);
const root = process.env.SECFLOW_ROOT ?? resolve(dirname(here), "..");
const { values } = parseArgs({
  options: {
    repos: { type: "string", default: "1000" },
    prs: { type: "string", default: "200000" },
    mode: { type: "string" },
    dir: { type: "string" },
    db: { type: "string" },
  },
});
const NOW = new Date("2026-11-26T12:00:00Z");
const WEEKS = 25;
const TEAMS = 20;

// ---- child modes: what the parent measures ------------------------------------------------

function done(extra: Record<string, unknown>) {
  const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${JSON.stringify({ ...extra, rssMb })}\n`);
  process.exit(0);
}

function files(dir: string): string[] {
  const out: string[] = [];
  for (const sub of readdirSync(dir))
    for (const f of readdirSync(join(dir, sub))) out.push(join(dir, sub, f));
  return out;
}

if (values.mode === "parse") {
  const started = performance.now();
  let records = 0;
  for (const file of files(values.dir as string)) {
    JSON.parse(readFileSync(file, "utf8"));
    records++;
  }
  done({ ms: performance.now() - started, records });
}
if (values.mode === "ingest") {
  const started = performance.now();
  const db = await openDatabase(values.db as string);
  const opened = performance.now();
  const result = await ingestFolder(db, values.dir as string, () => {});
  const ingested = performance.now();
  await db.close();
  done({
    ms: performance.now() - started,
    openMs: opened - started,
    ingestMs: ingested - opened,
    saveMs: performance.now() - ingested,
    evidence: result.evidence,
    pullRequests: result.pullRequests,
    bad: result.bad.length,
  });
}
if (values.mode === "report") {
  const started = performance.now();
  const db = await openDatabase(values.db as string);
  const opened = performance.now();
  const report = await buildReport(db, NOW);
  const queried = performance.now();
  await writeReport(join(dirname(values.db as string), "site"), report);
  const written = performance.now();
  await db.close();
  done({
    ms: written - started,
    openMs: opened - started,
    queryMs: queried - opened,
    writeMs: written - queried,
    pullRequests: report.tables.summary?.rows[0]?.pull_requests,
  });
}

// ---- the parent: generate, then measure each stage in a fresh process ------------------------

const repos = Number(values.repos);
const prs = Number(values.prs);
const data = join(root, "bench/.data/flow-report", `${repos}-${prs}`);
const evidenceDir = join(data, "evidence");
const marker = join(data, "generated.json");
if (!existsSync(marker)) {
  rmSync(data, { recursive: true, force: true });
  const started = performance.now();
  const history = simulateHistory({
    teams: Array.from({ length: TEAMS }, (_, i) => `team-${String(i).padStart(2, "0")}`),
    repositoriesPerTeam: Math.ceil(repos / TEAMS),
    weeks: WEEKS,
    pullRequestsPerRepositoryWeek: Math.max(1, Math.round(prs / repos / WEEKS)),
    now: NOW,
  });
  await writeHistory(evidenceDir, history);
  writeFileSync(
    marker,
    JSON.stringify({ evidence: history.evidence.length, pullRequests: history.pullRequests.length }),
  );
  console.log(
    `generated ${history.evidence.length} gate runs and ${history.pullRequests.length} pull requests in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
const generated = JSON.parse(readFileSync(marker, "utf8"));
const bytes = spawnSync("du", ["-sb", evidenceDir], { encoding: "utf8" }).stdout.split("\t")[0];
console.log(
  `organisation: ${repos} repositories, ${generated.pullRequests} pull requests, ${generated.evidence} gate runs, ${(Number(bytes) / 1e6).toFixed(0)} MB of JSON`,
);

/** What a child stage prints: its wall time and peak memory, and its own timings. */
type Measured = { ms: number; rssMb: number } & Record<string, number>;

function child(args: string[]): Measured {
  const out = spawnSync(process.execPath, [process.argv[1] as string, ...args], {
    encoding: "utf8",
    maxBuffer: 1e7,
  });
  if (out.status !== 0) throw new Error(`${args.join(" ")} failed:\n${out.stderr}`);
  return JSON.parse(out.stdout.trim().split("\n").pop() as string);
}

const db = join(data, "flow.db.tar.gz");
rmSync(db, { force: true });
const parse = child(["--mode", "parse", "--dir", evidenceDir]);
const ingest = child(["--mode", "ingest", "--dir", evidenceDir, "--db", db]);
const report = child(["--mode", "report", "--db", db]);
const s = (ms: number | undefined) => `${((ms ?? Number.NaN) / 1000).toFixed(1)} s`;
console.log(`\n| stage | wall | peak RSS | vs JSON.parse | target |`);
console.log(`| --- | --- | --- | --- | --- |`);
console.log(`| read + JSON.parse of every file | ${s(parse.ms)} | ${parse.rssMb} MB | 1× | |`);
console.log(
  `| ingest into PGlite (open ${s(ingest.openMs)}, insert ${s(ingest.ingestMs)}, save ${s(ingest.saveMs)}) | ${s(ingest.ms)} | ${ingest.rssMb} MB | ${(ingest.ms / parse.ms).toFixed(1)}× | ≤ 60 s, ≤ 500 MB |`,
);
console.log(
  `| report (load ${s(report.openMs)}, queries ${s(report.queryMs)}, files ${s(report.writeMs)}) | ${s(report.ms)} | ${report.rssMb} MB | ${(report.ms / parse.ms).toFixed(1)}× | ≤ 5 s, ≤ 500 MB |`,
);
console.log(
  `database file: ${(Number(spawnSync("stat", ["-c", "%s", db], { encoding: "utf8" }).stdout) / 1e6).toFixed(1)} MB`,
);

// ---- API requests of a nightly sync -------------------------------------------------------

// A sample of repositories, each with a week of synced history; then one day's new evidence.
const SAMPLE = Math.min(50, repos);
const perDay = generated.evidence / repos / (WEEKS * 7);
const api = await fakeGitHub();
const sampleDb = await openDatabase(join(data, "api-sample.db.tar.gz"));
try {
  const names = Array.from({ length: SAMPLE }, (_, i) => `acme/repo-${i}`);
  api.state.orgs.acme = names;
  let id = 1;
  const zip = (repository: string, n: number) =>
    zipSync({ "evidence.json": strToU8(JSON.stringify(evidenceFor(repository, n))) });
  for (const name of names)
    for (let n = 1; n <= Math.round(perDay * 7); n++) api.addArtifact(name, id++, zip(name, n));
  const first = await gitHubClient({ token: "t", baseUrl: api.url, db: sampleDb, progress: () => {} });
  await collectFromGitHub(sampleDb, first, { repositories: [], organisation: "acme" }, () => {});
  // The night: each repository got its share of a day's gate runs.
  let carry = 0;
  for (const name of names) {
    carry += perDay;
    for (; carry >= 1; carry--) api.addArtifact(name, id, zip(name, id++));
  }
  api.requests.length = 0;
  const nightly = await gitHubClient({ token: "t", baseUrl: api.url, db: sampleDb, progress: () => {} });
  await collectFromGitHub(sampleDb, nightly, { repositories: [], organisation: "acme" }, () => {});
  const rest = api.requests.filter((r) => r.path !== "/graphql" && !r.path.startsWith("/storage/"));
  // GitHub does not count a 304 against the rate limit; the storage download is another host.
  const counted = rest.filter((r) => r.status !== 304).length;
  const notModified = rest.length - counted;
  const graphql = api.requests.filter((r) => r.path === "/graphql").length;
  const scale = repos / SAMPLE;
  console.log(
    `\nnightly sync (measured on ${SAMPLE} repositories, ${perDay.toFixed(2)} new gate runs each a day; scaled to ${repos}):`,
  );
  console.log(
    `  REST requests counted against the rate limit: ${Math.round(counted * scale)} of 5,000 an hour`,
  );
  console.log(`  REST requests answered 304 (not counted): ${Math.round(notModified * scale)}`);
  console.log(
    `  GraphQL queries (timelines, 50 pull requests each): ${Math.round(graphql * scale)} (separate budget of 5,000 points an hour)`,
  );
} finally {
  await sampleDb.close();
  await api.close();
  rmSync(join(data, "api-sample.db.tar.gz"), { force: true });
}

function evidenceFor(repository: string, n: number) {
  const h = simulateHistory({
    teams: ["t"],
    repositoriesPerTeam: 1,
    weeks: 1,
    pullRequestsPerRepositoryWeek: 1,
    now: NOW,
    seed: n,
  });
  const e = h.evidence[0] as Record<string, any>;
  e.run.repository = repository;
  e.run.id = String(n);
  e.pullRequest.number = n;
  return e;
}
if (!existsSync(join(root, "bench/.data"))) mkdirSync(join(root, "bench/.data"));
