/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secflow } from "../../../packages/cli/test/run-cli.ts";
import { ADOPTION_QUERIES, ADOPTION_SETUP, ADOPTION_TEARDOWN } from "../src/adoption-queries.ts";
import { openDatabase } from "../src/database.ts";
import { QUERIES, REPORT_TEARDOWN } from "../src/queries.ts";
import { buildReport, type Report } from "../src/report.ts";
import { simulateHistory, writeHistory } from "../src/simulate.ts";
import { FLOW_REFERENCE_SQL } from "./support/flow-reference.ts";
import { freshDatabase } from "./support/fresh-database.ts";
import { gateOnce, teamConfig } from "./support/gate-evidence.ts";
import { type ReportRun, runReport } from "./support/run-report.ts";

// The whole action on a folder: a simulated history of three teams over five weeks, plus real
// evidence from the gate; then the HTML report opened in a real headless Chromium.

// The next full hour but one: after the real gate runs of this test.
const NOW = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 3_600_000).toISOString();
const DAY = 86_400_000;
const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
// Kept for a person to look at (gitignored: **/.data/).
const SCREENSHOT = path.join(import.meta.dirname, ".data", "flow-report.png");

let tmp: string;
let out: string;
let database: string;
let result: ReportRun;
let report: Report;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "flow-report-run-"));
  const folder = path.join(tmp, "evidence");
  const history = simulateHistory({
    teams: ["payments", "search", "platform"],
    repositoriesPerTeam: 2,
    weeks: 5,
    pullRequestsPerRepositoryWeek: 3,
    now: new Date(NOW),
  });
  await writeHistory(folder, history);
  const real = await gateOnce(teamConfig("identity", "2026-12-01"), {
    number: 3,
    title: "login",
    author: "dana",
    files: { "src/auth/login.js": "export function login(u) { return u; }\n" },
    env: { GITHUB_REPOSITORY: "acme/identity", GITHUB_RUN_ID: "3" },
  });
  await writeFile(path.join(folder, "real-evidence.json"), JSON.stringify(real));
  await writeFile(path.join(folder, "truncated.json"), JSON.stringify(real).slice(0, 100));
  out = path.join(tmp, "site");
  database = await freshDatabase(path.join(tmp, "flow.db.tar.gz"));
  result = await runReport({ evidence: folder, output: out, database, now: NOW }, { GITHUB_WORKSPACE: tmp });
  report = JSON.parse(await readFile(path.join(out, "report.json"), "utf8"));
}, 60_000);

afterAll(() => rm(tmp, { recursive: true, force: true }));

describe("flow-report on a folder of evidence", () => {
  it("writes the report, names the unreadable file, and sets its outputs", async () => {
    expect(result.outcome).toEqual({});
    expect(result.io.outputs).toMatchObject({
      report: path.join(out, "index.html"),
      unreadable: "1",
      "pull-requests": String(report.tables.summary?.rows[0]?.pull_requests),
    });
    expect(result.io.annotations).toContainEqual(
      expect.objectContaining({
        level: "warning",
        message: expect.stringMatching(/^truncated\.json: not JSON/),
      }),
    );
    for (const name of Object.keys(report.tables)) {
      expect(existsSync(path.join(out, `${name}.csv`)), name).toBe(true);
      expect(JSON.parse(await readFile(path.join(out, `${name}.json`), "utf8"))).toEqual(
        report.tables[name]?.rows,
      );
    }
    // The real gate run is there, with its team from the base commit's configuration.
    expect(report.tables.adoption?.rows).toContainEqual(
      expect.objectContaining({
        repository: "acme/identity",
        team: "identity",
        change_gate_version: "2.0.0",
      }),
    );
  });

  it("writes a job summary with tables and mermaid charts", () => {
    const summary = result.io.summary;
    expect(summary).toContain("## Security review flow");
    expect(summary).toContain("```mermaid\nxychart-beta");
    expect(summary).toMatch(/\| no-touch % \|/);
    expect(summary).toContain("1 evidence files could not be read");
  });

  it("computes the numbers the page shows with SQL the test writes itself", async () => {
    const db = await openDatabase(database);
    const [own] = await db.query<{ prs: number; merged: number; share: number; p50: number }>(
      `WITH pr AS (
         SELECT e.repository, e.pr_number, bool_or(e.rule_decision = 'review') AS reviewed,
           min(e.finished_at) FILTER (WHERE e.rule_decision = 'review') AS review_at,
           min(e.finished_at) FILTER (WHERE e.rule_decision = 'review' AND e.decision = 'pass') AS cleared_at,
           bool_or(p.merged_at IS NOT NULL OR (p.number IS NULL AND e.decision = 'pass')) AS merged
         FROM evidence e LEFT JOIN pull_request p ON p.repository = e.repository AND p.number = e.pr_number
         GROUP BY 1, 2)
       SELECT count(*)::int AS prs, count(*) FILTER (WHERE merged)::int AS merged,
         round(100.0 * count(*) FILTER (WHERE merged AND NOT reviewed) / count(*) FILTER (WHERE merged), 1)::float8 AS share,
         round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM cleared_at - review_at) / 3600))::numeric, 1)::float8 AS p50
       FROM pr`,
    );
    await db.close();
    expect(report.tables.summary?.rows[0]).toMatchObject({
      pull_requests: own?.prs,
      merged: own?.merged,
      no_touch_percent: own?.share,
      review_wait_p50_hours: own?.p50,
    });
  });

  it("counts the cumulative flow as the plain week-by-pull-request query does, at any date", async () => {
    const db = await openDatabase(database);
    try {
      // The plain view, not the stored snapshot: the reference is computed from the records.
      await db.exec("CREATE TEMPORARY VIEW report_flow AS SELECT * FROM pr_flow");
      const flow = QUERIES.find((q) => q.name === "flow")?.sql as string;
      // Before the first pull request, in the middle of the history, now, and months later.
      const end = new Date(NOW).getTime();
      for (const at of [end - 60 * DAY, end - 17.5 * DAY, end, end + 90 * DAY]) {
        const now = new Date(at).toISOString();
        const expected = await db.table(FLOW_REFERENCE_SQL, [now]);
        const actual = await db.table(flow, [now]);
        expect(actual.columns, now).toEqual(expected.columns);
        expect(actual.rows, now).toEqual(expected.rows);
      }
      expect((await db.table(flow, [NOW])).rows).toEqual(report.tables.flow?.rows);
    } finally {
      await db.close();
    }
  });

  it("answers every table from what the sync stored as the records themselves do, at any date", async () => {
    const db = await openDatabase(database);
    try {
      const end = new Date(NOW).getTime();
      // In the middle of the history (most repositories' latest run is after it), now, and later.
      for (const at of [end - 17.5 * DAY, end, end + 90 * DAY]) {
        const now = new Date(at).toISOString();
        const stored = await buildReport(db, new Date(at));
        // The reference: every view read from the records, the latest run by a plain DISTINCT ON.
        await db.exec(`CREATE TEMPORARY VIEW report_flow AS SELECT * FROM pr_flow;
          CREATE TEMPORARY VIEW report_reason AS SELECT * FROM pr_reason;
          CREATE TEMPORARY VIEW report_escalation AS SELECT * FROM pr_escalation;
          CREATE TEMPORARY TABLE report_latest AS SELECT key, repository, team, gate_version, workflow_ref, finished_at FROM evidence LIMIT 0`);
        await db.query(
          `INSERT INTO report_latest SELECT DISTINCT ON (repository) key, repository, team, gate_version, workflow_ref, finished_at
           FROM evidence WHERE finished_at <= $1 ORDER BY repository, finished_at DESC, id`,
          [now],
        );
        // The calls the adoption tables follow are not stored by the sync: as the report makes them.
        for (const statement of ADOPTION_SETUP) await db.exec(statement);
        for (const query of [...QUERIES, ...ADOPTION_QUERIES]) {
          const { rows } = await db.table(query.sql, [now]);
          expect(stored.tables[query.name]?.rows, `${query.name} at ${now}`).toEqual(
            JSON.parse(JSON.stringify(rows)),
          );
        }
        // Pull requests per rule as the plain join over every gate run counts them.
        const { rows: causes } = await db.table(
          `SELECT COALESCE(e.team, 'all') AS team, r.rule, r.verdict,
             count(DISTINCT (e.repository, e.pr_number))::int AS pull_requests
           FROM evidence_reason r JOIN evidence e ON e.key = r.evidence_key
           WHERE r.verdict IN ('review', 'fail') AND e.pr_number IS NOT NULL AND e.finished_at <= $1
           GROUP BY GROUPING SETS ((r.rule, r.verdict), (e.team, r.rule, r.verdict))
           ORDER BY GROUPING(e.team) DESC, team, pull_requests DESC, r.rule, r.verdict`,
          [now],
        );
        expect(stored.tables.review_causes?.rows, `review_causes at ${now}`).toEqual(causes);
        // The summary counts as the tables do, at the same date.
        const organisation = (name: string) =>
          stored.tables[name]?.rows.find((r) => r.scope === "organisation");
        expect(stored.tables.summary?.rows[0], `summary at ${now}`).toMatchObject({
          merged: organisation("no_touch")?.merged ?? 0,
          no_touch_percent: organisation("no_touch")?.no_touch_percent ?? null,
          review_wait_p50_hours: organisation("review_wait")?.p50_hours ?? null,
          review_wait_p95_hours: organisation("review_wait")?.p95_hours ?? null,
        });
        await db.exec(`${REPORT_TEARDOWN}; ${ADOPTION_TEARDOWN}`);
      }
      // The dates differ where it matters: in the middle of the history, an earlier latest run.
      const past = await buildReport(db, new Date(end - 17.5 * DAY));
      expect(past.tables.adoption?.rows).not.toEqual(report.tables.adoption?.rows);
    } finally {
      await db.close({ save: false });
    }
  });

  it.skipIf(!CHROMIUM)(
    "opens in headless Chromium with no console error, draws its charts, and shows the SQL's numbers",
    async () => {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
      try {
        const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
        const problems: string[] = [];
        page.on("console", (m) => {
          if (m.type() === "error" || m.type() === "warning") problems.push(m.text());
        });
        page.on("pageerror", (e) => problems.push(e.message));
        page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
        const requests: string[] = [];
        page.on("request", (r) => requests.push(r.url()));
        await page.goto(`file://${path.join(out, "index.html")}`);
        expect(problems).toEqual([]);
        // Nothing but the file itself: no CDN, no script, no font.
        expect(requests).toEqual([`file://${path.join(out, "index.html")}`]);
        const drawn = await page.evaluate(() => ({
          charts: document.querySelectorAll("svg.chart").length,
          areas: [...document.querySelectorAll("svg.chart path.area")].filter(
            (p) => p.getBoundingClientRect().height > 0,
          ).length,
          bars: [...document.querySelectorAll("svg.chart rect.bar")].filter(
            (r) => r.getBoundingClientRect().height > 0,
          ).length,
          points: document.querySelectorAll("svg.chart circle.point").length,
        }));
        expect(drawn.charts).toBeGreaterThanOrEqual(6);
        expect(drawn.areas).toBeGreaterThan(0);
        expect(drawn.bars).toBeGreaterThan(0);
        expect(drawn.points).toBe(report.tables.wait_vs_batch?.rows.length);
        const headline = await page.evaluate(() =>
          Object.fromEntries(
            [...document.querySelectorAll("[data-number]")].map((e) => [
              e.getAttribute("data-number"),
              e.textContent,
            ]),
          ),
        );
        const summary = report.tables.summary?.rows[0] ?? {};
        for (const [key, text] of Object.entries(headline)) expect(text, key).toBe(String(summary[key]));
        // Every cell of every table in the page is what the query returned.
        for (const table of Object.values(report.tables)) {
          const cells = await page.evaluate(
            (name) =>
              [...document.querySelectorAll(`table[data-table="${name}"] tbody tr`)].map((tr) =>
                [...tr.querySelectorAll("td")].map((td) => td.textContent),
              ),
            table.name,
          );
          const text = (v: unknown) =>
            v === null ? "–" : typeof v === "boolean" ? (v ? "yes" : "no") : String(v);
          expect(cells, table.name).toEqual(table.rows.map((r) => table.columns.map((c) => text(r[c]))));
        }
        await mkdir(path.dirname(SCREENSHOT), { recursive: true });
        await page.screenshot({ path: SCREENSHOT, fullPage: true });
        await page.screenshot({ path: SCREENSHOT.replace(".png", "-top.png") });
      } finally {
        await browser.close();
      }
    },
  );
});

if (!CHROMIUM) it.skip("HTML in Chromium: no chromium found (Debian: apt-get install chromium)", () => {});

describe("secflow report", () => {
  it("reports what the kept database holds, with the action's inputs as flags", async () => {
    const before = await stat(database);
    const cli = await secflow(["report", "--database", database, "--output", "again", "--now", NOW], {
      cwd: tmp,
    });
    expect(cli.stderr, cli.stderr).not.toMatch(/^(failed|::error)/m);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(`report: ${path.join(tmp, "again", "index.html")}`);
    expect(cli.stdout).toMatch(
      new RegExp(`^pull-requests: ${report.tables.summary?.rows[0]?.pull_requests}$`, "m"),
    );
    expect(await readFile(path.join(tmp, "again", "no_touch.csv"), "utf8")).toBe(
      await readFile(path.join(out, "no_touch.csv"), "utf8"),
    );
    // Nothing was synced, so the file is not packed again (seconds for a large database).
    expect((await stat(database)).mtimeMs).toBe(before.mtimeMs);
  });

  it("exits 2 with what to write for a bad flag value", async () => {
    const cli = await secflow(["report", "--now", "last tuesday"], { cwd: tmp });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/now: "last tuesday" is not a date \(write 2026-11-26/);
  });
});
