import { statSync } from "node:fs";
import path from "node:path";
import { InputError, UserError } from "@secflow/errors";
import type { ActionIO, InputReader } from "@secflow/kit";
import { type LatestVersions, parseLatestVersions } from "./adoption-releases.ts";
import { syncAdoption } from "./adoption-sync.ts";
import { DEFAULT_UPSTREAM, parseUpstream, type Upstream } from "./adoption-uses.ts";
import { type CollectResult, collectFromGitHub } from "./collect.ts";
import { type Database, openDatabase } from "./database.ts";
import { type GitHubClient, gitHubClient } from "./github-client.ts";
import { type IngestResult, ingestFolder } from "./ingest.ts";
import { writeReport } from "./outputs.ts";
import type { BadFile } from "./read-folder.ts";
import { buildReport } from "./report.ts";
import { counts } from "./store.ts";

export const DEFAULT_DATABASE = ".secflow/flow-report.db.tar";

export interface Options {
  /** A folder of evidence files, resolved against the workspace. */
  evidence?: string;
  repositories: string[];
  organisation?: string;
  token?: string;
  apiUrl: string;
  /** A file for the embedded database, or a postgres:// URL. */
  database: string;
  output: string;
  now: Date;
  /** A folder of local checkouts whose workflow files to read (adoption). */
  checkouts?: string;
  /** Read workflow files through the API too, with the evidence. */
  adoption: boolean;
  /** The repository the secflow actions are released from. */
  upstream: Upstream;
  latestVersions: LatestVersions;
}

export interface Outcome {
  failed?: string;
}

const REPOSITORY = /^[\w.-]+\/[\w.-]+$/;

export function readOptions(read: InputReader, env: NodeJS.ProcessEnv): Options {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const resolve = (p: string) => path.resolve(workspace, p);
  const evidence = read.string("evidence");
  const repositories = read.list("repositories");
  for (const r of repositories)
    if (!REPOSITORY.test(r)) throw new InputError(`repositories: "${r}" is not owner/name`);
  const organisation = read.string("organisation");
  const token = read.string("token");
  const database = read.string("database", DEFAULT_DATABASE);
  const nowText = read.string("now");
  const now = nowText ? new Date(nowText) : new Date();
  if (Number.isNaN(now.getTime()))
    throw new InputError(`now: "${nowText}" is not a date (write 2026-11-26 or 2026-11-26T12:00:00Z)`);
  const checkouts = read.string("checkouts");
  if (checkouts && !statSync(resolve(checkouts), { throwIfNoEntry: false })?.isDirectory())
    throw new InputError(
      `checkouts: ${resolve(checkouts)} is not a folder; name a folder of repository checkouts`,
    );
  const adoption = read.string("adoption", "true");
  if (!["true", "false"].includes(adoption))
    throw new InputError(`adoption: "${adoption}" is not true or false`);
  return {
    ...(evidence ? { evidence: resolve(evidence) } : {}),
    ...(checkouts ? { checkouts: resolve(checkouts) } : {}),
    adoption: adoption === "true",
    upstream: parseUpstream(read.string("upstream", DEFAULT_UPSTREAM)),
    latestVersions: parseLatestVersions(read.list("latest-versions")),
    repositories,
    ...(organisation ? { organisation } : {}),
    ...(token ? { token } : {}),
    apiUrl: env.GITHUB_API_URL ?? "https://api.github.com",
    database: /^postgres(ql)?:\/\//i.test(database) ? database : resolve(database),
    output: resolve(read.string("output", "flow-report")),
    now,
  };
}

/** Sync (a folder, GitHub), then report: every number from SQL, written as HTML, markdown, CSV and JSON. */
export async function run(options: Options, io: ActionIO): Promise<Outcome> {
  if (/^postgres/i.test(options.database)) io.setSecret(options.database);
  const synced = Boolean(
    options.evidence || options.repositories.length > 0 || options.organisation || options.checkouts,
  );
  if (!synced)
    io.info(
      "No evidence folder, repositories or organisation given: reporting what the database already holds.",
    );
  const db = await openDatabase(options.database);
  io.info(`Database: ${db.engine === "pglite" ? `embedded, ${db.where}` : `PostgreSQL at ${db.where}`}`);
  try {
    const bad: BadFile[] = [];
    if (options.evidence) bad.push(...(await syncFolder(db, options.evidence, io)).bad);
    let api: GitHubClient | undefined;
    let fromGitHub: CollectResult | undefined;
    if (options.repositories.length > 0 || options.organisation)
      ({ api, result: fromGitHub } = await syncGitHub(db, options, io));
    if (fromGitHub) bad.push(...fromGitHub.bad);
    for (const b of bad) io.warning(`${b.file}: ${b.reason}; this record is not in the report`);
    const workflows = await syncAdoption(db, options, io, api, fromGitHub?.workflows);
    for (const w of workflows.unreadable)
      io.warning(`${w.file}: ${w.reason}; its secflow actions are not in the adoption tables`);
    const stored = await counts(db);
    io.info(
      `The database holds ${stored.evidence} gate runs and ${stored.pullRequests} pull request timelines.`,
    );
    const report = await buildReport(db, options.now);
    const written = await writeReport(options.output, report);
    const badNote = bad.length
      ? `\n> [!WARNING]\n> ${bad.length} evidence files could not be read and are not in this report; the log names each.\n`
      : "";
    await io.appendSummary(`${badNote}${written.markdown}`);
    const summary = report.tables.summary?.rows[0] ?? {};
    io.setOutput("report", written.html);
    io.setOutput("pull-requests", Number(summary.pull_requests ?? 0));
    io.setOutput(
      "no-touch-percent",
      summary.no_touch_percent === null ? "" : String(summary.no_touch_percent ?? ""),
    );
    io.setOutput(
      "review-wait-p50-hours",
      summary.review_wait_p50_hours === null ? "" : String(summary.review_wait_p50_hours ?? ""),
    );
    io.setOutput("unreadable", bad.length);
    io.setOutput("unreadable-workflows", report.tables.workflow_problems?.rows.length ?? 0);
    io.info(`Report: ${written.html} (and summary.md, report.json, a CSV and JSON file per table)`);
    return {};
  } finally {
    // Only what was synced needs saving; a report of what the database holds changed nothing.
    await db.close({ save: synced });
  }
}

async function syncFolder(db: Database, dir: string, io: ActionIO): Promise<IngestResult> {
  const started = Date.now();
  const result = await ingestFolder(db, dir, (line) => io.info(line));
  io.info(
    `Read ${result.evidence} gate runs and ${result.pullRequests} pull requests from ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s` +
      (result.ignored.length
        ? `; ${result.ignored.length} other JSON files are not evidence and were left out`
        : ""),
  );
  return result;
}

async function syncGitHub(
  db: Database,
  options: Options,
  io: ActionIO,
): Promise<{ api: GitHubClient; result: CollectResult }> {
  if (!options.token)
    throw new UserError(
      "reading evidence artifacts from GitHub needs a token: give the token input (a token that can read Actions artifacts of those repositories)",
    );
  io.setSecret(options.token);
  const api = await gitHubClient({
    token: options.token,
    baseUrl: options.apiUrl,
    db,
    progress: (l) => io.info(l),
  });
  const result = await collectFromGitHub(
    db,
    api,
    {
      repositories: options.repositories,
      ...(options.organisation ? { organisation: options.organisation } : {}),
      ...(options.adoption ? { adoption: { upstream: options.upstream } } : {}),
    },
    (line) => io.info(line),
  );
  io.info(
    `GitHub: ${result.repositories} repositories, ${result.artifacts} new artifacts, ${result.evidence} gate runs, ${result.timelines} timelines; ${api.count.requests} requests (${api.count.notModified} answered 304 from the cache, ${api.count.graphql} GraphQL)`,
  );
  return { api, result };
}

export { simulateHistory, writeHistory } from "./simulate.ts";
