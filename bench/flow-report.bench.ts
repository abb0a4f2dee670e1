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
 *   node bench/run.mjs flow-report --gzip                the database file as .tar.gz, not .tar
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
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
    gzip: { type: "boolean", default: false },
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

if (values.mode === "warm") {
  // Untimed: every file once, so the floor and the ingest both read from the page cache.
  let bytes = 0;
  for (const file of files(values.dir as string)) bytes += readFileSync(file).length;
  done({ ms: 0, bytes });
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
  // A new database starts from the bundled action's empty one (npm run bundle makes it), as on a runner.
  const template = join(root, "actions/flow-report/dist/empty-database.tar.gz");
  if (!existsSync(template))
    throw new Error(`${template} is missing: run npm run bundle -w actions/flow-report`);
  const db = await openDatabase(values.db as string, process.cwd(), template);
  const opened = performance.now();
  // The peak once the new database is open (from the empty template: no initdb).
  const openPeakMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const result = await ingestFolder(db, values.dir as string, () => {});
  const ingested = performance.now();
  await db.close();
  done({
    ms: performance.now() - started,
    openMs: opened - started,
    ingestMs: ingested - opened,
    saveMs: performance.now() - ingested,
    openPeakMb,
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
  // As a run that only reports: the database is not saved again.
  await db.close({ save: false });
  done({
    closeMs: performance.now() - written,
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

// The action's default is a plain .tar (actions/cache compresses it); --gzip measures .tar.gz.
const db = join(data, values.gzip ? "flow.db.tar.gz" : "flow.db.tar");
rmSync(db, { force: true });
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
const loadBefore = load();
child(["--mode", "warm", "--dir", evidenceDir]);
const parse = child(["--mode", "parse", "--dir", evidenceDir]);
const ingest = child(["--mode", "ingest", "--dir", evidenceDir, "--db", db]);
// The report is short and this machine's noise is not: three runs, the median shown with the range.
const reports = [1, 2, 3].map(() => child(["--mode", "report", "--db", db])).sort((a, b) => a.ms - b.ms);
const report = reports[1] as Measured;
const s = (ms: number | undefined) => `${((ms ?? Number.NaN) / 1000).toFixed(1)} s`;
const vs = (m: Measured) =>
  `${(m.ms / parse.ms).toFixed(2)}× time, ${(m.rssMb / parse.rssMb).toFixed(2)}× memory`;
console.log(`\nload average (1, 5, 15 min): ${loadBefore} before, ${load()} after; ${cpus().length} cores`);
console.log(`\n| stage | wall | peak RSS | vs JSON.parse | target |`);
console.log(`| --- | --- | --- | --- | --- |`);
console.log(
  `| read + JSON.parse of every file (page cache warm) | ${s(parse.ms)} | ${parse.rssMb} MB | 1× | |`,
);
console.log(
  `| ingest into a new PGlite file (open from the empty template ${s(ingest.openMs)}, peak ${ingest.openPeakMb} MB by then; read and store ${s(ingest.ingestMs)}; save ${s(ingest.saveMs)}) | ${s(ingest.ms)} | ${ingest.rssMb} MB | ${vs(ingest)} | ≤ 60 s, ≤ 500 MB |`,
);
console.log(
  `| report, median of 3 (load ${s(report.openMs)}, queries ${s(report.queryMs)}, files ${s(report.writeMs)}, close ${s(report.closeMs)}; all three ${reports.map((r) => s(r.ms)).join(", ")}) | ${s(report.ms)} | ${report.rssMb} MB | ${vs(report)} | ≤ 5 s, ≤ 500 MB |`,
);
console.log(
  `database file: ${(Number(spawnSync("stat", ["-c", "%s", db], { encoding: "utf8" }).stdout) / 1e6).toFixed(1)} MB`,
);

// ---- API requests of a nightly sync -------------------------------------------------------

// A sample of repositories with four weeks of synced history: each day as many new pull requests
// as the organisation above has per repository, each with its gate runs' evidence artifacts; most
// are merged one to three days later, some closed, one in ten left open for good. The night
// brings a day's new pull requests and that day's merges and closes. The sync also reads each
// repository's workflow files (adoption) and the upstream's releases. Requests are counted as
// the local fake GitHub received them, per kind, and scaled from the sample to the organisation.
const { prng } = await import("./prng.ts");
const { upstreamLatest } = await import("../actions/flow-report/src/adoption-releases.ts");
const SAMPLE = Math.min(50, repos);
const HISTORY_DAYS = 28;
const DAY = 86_400_000;
const prsPerDay = generated.pullRequests / repos / (WEEKS * 7);
const runsPerPr = generated.evidence / generated.pullRequests;
const nightAt = Date.parse("2026-11-26T03:00:00Z");
const api = await fakeGitHub();
const sampleDb = await openDatabase(join(data, "api-sample.db.tar.gz"));
try {
  const random = prng(16);
  const names = Array.from({ length: SAMPLE }, (_, i) => `acme/repo-${i}`);
  api.state.orgs.acme = names;
  const workflow = readFileSync(
    join(root, "actions/flow-report/test/fixtures/workflows/secflow/pinned.yml"),
    "utf8",
  );
  const upstream = { owner: "acme", repo: "secflow" };
  api.state.releases["acme/secflow"] = [
    "sast/v2.1.0",
    "sca/v2.0.0",
    "policy-diff/v1.1.0",
    "change-gate/v2.0.1",
    "flow-report/v0.1.0",
  ].map((tag) => ({ tag }));
  let artifactId = 1;
  let runCarry = 0;
  const ends: { name: string; number: number; at: number; merged: boolean; done?: boolean }[] = [];
  const next: Record<string, number> = {};
  const openPullRequest = (name: string, at: number) => {
    const number = (next[name] = (next[name] ?? 0) + 1);
    for (runCarry += runsPerPr; runCarry >= 1; runCarry--)
      api.addArtifact(
        name,
        artifactId++,
        zipSync({ "evidence.json": strToU8(JSON.stringify(evidenceFor(name, number))) }),
      );
    const created = new Date(at).toISOString();
    (api.state.timelines[name] ??= {})[number] = {
      number,
      createdAt: created,
      updatedAt: created,
      mergedAt: null,
      closedAt: null,
      timelineItems: { nodes: [] },
    };
    const fate = random();
    if (fate < 0.9)
      ends.push({ name, number, at: at + DAY * (1 + Math.floor(random() * 3)), merged: fate < 0.85 });
  };
  const settle = (until: number) => {
    for (const end of ends.filter((e) => !e.done && e.at <= until)) {
      const t = api.state.timelines[end.name]?.[end.number];
      const at = new Date(end.at).toISOString();
      if (t) Object.assign(t, { updatedAt: at, closedAt: at, mergedAt: end.merged ? at : null });
      end.done = true;
    }
  };
  let prCarry = 0;
  const openDay = (dayStart: number) => {
    for (const name of names)
      for (prCarry += prsPerDay; prCarry >= 1; prCarry--) openPullRequest(name, dayStart + random() * DAY);
  };
  for (let d = HISTORY_DAYS; d >= 1; d--) openDay(nightAt - (d + 1) * DAY);
  settle(nightAt - DAY);
  const sync = async () => {
    const client = await gitHubClient({ token: "t", baseUrl: api.url, db: sampleDb, progress: () => {} });
    const target = { repositories: [], organisation: "acme", adoption: { upstream } };
    await collectFromGitHub(sampleDb, client, target, () => {});
    await upstreamLatest(client, upstream);
  };
  for (const name of names) api.state.workflows[name] = { "secflow.yml": workflow };
  await sync();
  const scale = repos / SAMPLE;
  const kinds: [string, RegExp, number][] = [
    ["repository list", /^\/orgs\//, 1],
    ["artifact lists", /\/actions\/artifacts$/, scale],
    ["artifact downloads", /\/actions\/artifacts\/\d+\/zip$/, scale],
    ["pull request lists (by update)", /\/pulls$/, scale],
    ["workflow folder listings", /\/contents\//, scale],
    ["workflow files (git blobs)", /\/git\/blobs\//, scale],
    ["upstream releases and tags", /^\/repos\/acme\/secflow\/(releases|tags)$/, 1],
  ];
  const percent = (n: number) => `${((100 * n) / 5000).toFixed(0)} %`;
  const measure = async (title: string) => {
    api.requests.length = 0;
    await sync();
    // GitHub does not count a 304 against the rate limit; the storage download is another host.
    const rest = api.requests.filter((r) => r.path !== "/graphql" && !r.path.startsWith("/storage/"));
    let counted = 0;
    let notModified = 0;
    const lines: string[] = [];
    for (const [label, pattern, factor] of kinds) {
      const of = rest.filter((r) => pattern.test(r.path));
      const n = Math.round(of.filter((r) => r.status !== 304).length * factor);
      const n304 = Math.round(of.filter((r) => r.status === 304).length * factor);
      counted += n;
      notModified += n304;
      lines.push(`    ${label}: ${n} counted, ${n304} answered 304`);
    }
    const graphql = api.requests.filter((r) => r.path === "/graphql");
    const queries = Math.round(graphql.length * scale);
    const asked = Math.round(graphql.reduce((n, r) => n + (r.pullRequests?.length ?? 0), 0) * scale);
    console.log(`\n${title}:`);
    console.log(
      `  REST requests counted against the rate limit: ${counted} of GitHub's 5,000 an hour (${percent(counted)})`,
    );
    console.log(lines.join("\n"));
    console.log(`  REST requests answered 304 (not counted): ${notModified}`);
    console.log(
      `  GraphQL queries (timelines, up to 50 pull requests each, 1 point each): ${queries} of 5,000 points an hour (${percent(queries)}), asking about ${asked} pull requests`,
    );
  };
  // The night: a day's new pull requests, merges and closes.
  openDay(nightAt - DAY);
  settle(nightAt);
  await measure(
    `nightly sync of ${repos} repositories (measured on ${SAMPLE} with ${HISTORY_DAYS} days of history, ${prsPerDay.toFixed(2)} new pull requests and ${(prsPerDay * runsPerPr).toFixed(2)} gate runs each a day; scaled)`,
  );
  // Then nights when nothing happened (a weekend): the first reads the lists of pull requests
  // by update that changed since they were last read; the second is what an unchanged
  // organisation costs.
  await measure(`the next night, with no change in any of the ${repos} repositories`);
  await measure("a second night with no change");
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
