import { pathToFileURL } from "node:url";
import {
  type ActionIO,
  applyWaivers,
  type BaselinePlan,
  countFindings,
  DEFAULTS,
  describeChange,
  emitSarif,
  type FindingCounts,
  failOnOutcome,
  logWaivers,
  planBaseline,
  readConfig,
  repositoryPath,
  resolveCommit,
  resolveWorkspace,
  type SastTool,
  type SecflowConfig,
  type StepOutcome,
  setScanOutputs,
  setting,
  type Unchecked,
  uncheckedOutcome,
  type Workspace,
} from "@secflow/kit";
import { type Sarif, sarifLog } from "@secflow/sarif";
import pkg from "../package.json" with { type: "json" };
import { semgrepHasRules } from "./adapters/semgrep.ts";
import { annotateNewFindings } from "./annotations.ts";
import { scanBaseFiles, scanWholeBase } from "./base-scan.ts";
import { readBaselineFile } from "./baseline-file.ts";
import { buildRuns, type RunSettings } from "./build-run.ts";
import { type ChangeSet, readChangeSet } from "./change-set.ts";
import {
  type Checkout,
  type CheckoutScanOptions,
  type FileList,
  filesFor,
  listFiles,
  scanCheckout,
  toolContext,
} from "./checkout-scan.ts";
import type { FileRules } from "./files/file-classes.ts";
import { importInput } from "./import-inputs.ts";
import { installTools } from "./install-tools.ts";
import { type MarkNewHelpers, type MarkNewRuns, markNew } from "./mark-new.ts";
import type { Options } from "./options.ts";
import { eitherFails } from "./outcome.ts";
import { provenance } from "./provenance.ts";
import { recordingIO } from "./recording-io.ts";
import { type ToolReport, uniqueKeys } from "./report.ts";
import type { ScanContext } from "./scan-context.ts";
import { resolveScope, type Scope } from "./scope.ts";
import { earlierFiles, headLimits } from "./scope-files.ts";
import { coverageOf, recordScope, scopeLogLines, scopeMarkdown, type ToolCoverage } from "./scope-report.ts";
import { logSelection, type Selection, selectTools, type ToolRequest, toolRequest } from "./select-tools.ts";
import { type SkippedFacts, skippedFacts, skippedLogLine } from "./skipped-files.ts";
import { SourceLines } from "./source-lines.ts";
import { summaryMarkdown } from "./summary.ts";
import { type ToolScopes, toolScopes } from "./tool-scope.ts";
import { trimNewFirst } from "./trim-new-first.ts";
import { type Tuning, tuningOf } from "./tuning.ts";
import { logUnchecked, uniqueUnchecked } from "./unchecked.ts";

export type { Options } from "./options.ts";
export { readOptions } from "./options.ts";

export type Outcome = StepOutcome;

/** The folder scanned, the team's configuration and the files it leaves to scan. */
interface Setup {
  workspace: Workspace;
  config: SecflowConfig;
  tuning: Tuning;
  /** Which classes of files are scanned anyway (sast.include), and whose .gitattributes apply. */
  fileRules: FileRules;
  files: FileList;
}

/**
 * Runs (or imports) the static-analysis tools and writes one profile SARIF run per tool, with
 * the findings the change introduces marked new and what could not be checked recorded; then
 * outputs, annotations and a job summary.
 */
export async function run(options: Options, actionIO: ActionIO): Promise<Outcome> {
  const { io, warnings } = recordingIO(actionIO);
  const prepared = await prepare(options);
  const plan = await planChange(options, prepared.workspace, io);
  const { scope, change } = await readScope(options, prepared, plan);
  const request = toolRequest(options.tools, prepared.config.sast?.tools, options.inputs.length > 0);
  // Named tools need no listing of the repository to be chosen: changed scope lists the change alone.
  let setup = await listing(prepared, change, request.kind !== "auto");
  const selection = await chooseTools(request, options, setup, io);
  const scanning = await scanOptions(options, setup, selection, io);
  const scopes = await chooseScope(scope, change, setup, selection, io);
  // A tool that reads every file in changed scope reads them as a full scan lists them.
  if (change && scopes.whole.size > 0) setup = await listing(prepared, undefined, false);
  const settings = await runSettings(options, setup, plan);
  const { runs, unchecked, coverage, baseline } = await withEarlierVersions(
    setup,
    scanning,
    // Only `ref` scans the base; the changed lines and a baseline file read no earlier version.
    plan.kind === "ref" ? scopes : undefined,
    async (earlier) => {
      const head = await scanHead(options, setup, scanning, scopes, settings, io, earlier?.alongside);
      const helpers = baseHelpers(setup, scanning, scopes, settings, io, earlier);
      return { ...head, baseline: await markNew(plan, setup.workspace, head.runs, helpers) };
    },
  );
  const log = waive(sarifLog([...runs.toolRuns, ...runs.importedRuns]), setup.config, io);
  // Counts describe every finding, also those a trim to GitHub's limits leaves out of the file.
  const counts = countFindings(log.runs);
  // New findings are kept first when the file must be trimmed; the kit's trim then has nothing to do.
  await emitSarif(trimNewFirst(log, io), { output: options.output, action: "sast", io });
  // Straight to the log: the summary says it at its top, not again among the warnings.
  logUnchecked(unchecked, actionIO);
  const notScanned = await skippedFacts(
    // In changed scope the counts are of the change's files: the others were not to be read anyway.
    change ? setup.files.skipped.filter((file) => change.touched.has(file.path)) : setup.files.skipped,
    selection.run,
    plan,
    setup.workspace,
    change?.touched,
  );
  await report(
    log,
    counts,
    {
      selection,
      baseline,
      sarifFile: options.output,
      warnings,
      unchecked,
      notScanned,
      scope: scopeMarkdown(scopes, coverage),
    },
    io,
  );
  setScanOutputs(io, options.output, counts);
  return outcome(options, setup.config, counts, unchecked);
}

/** The step fails when a new finding reaches fail-on, or when something was not checked (on-unchecked: fail). */
function outcome(
  options: Options,
  config: SecflowConfig,
  counts: FindingCounts,
  unchecked: readonly Unchecked[],
): Outcome {
  const threshold = setting(options.failOn, config.sast?.["fail-on"], DEFAULTS.failOn);
  const onUnchecked = setting(options.onUnchecked, config["on-unchecked"], DEFAULTS.onUnchecked);
  return eitherFails(
    failOnOutcome(counts, threshold, "the job summary"),
    uncheckedOutcome(unchecked, onUnchecked),
  );
}

/** The folder to scan, its repository and the configuration read from it. */
async function prepare(options: Options): Promise<Omit<Setup, "files">> {
  const workspace = await resolveWorkspace(options.path, options.env);
  const file = options.config === undefined ? undefined : repositoryPath(workspace, options.config, "config");
  const { config } = await readConfig({ root: workspace.root, ...(file ? { file } : {}) });
  const tuning = tuningOf(config);
  const fileRules: FileRules = {
    include: new Set(config.sast?.include ?? []),
    ...(workspace.isGit ? { attributesRoot: workspace.root, attributeCache: new Map() } : {}),
  };
  return { workspace, config, tuning, fileRules };
}

/**
 * The files to scan. In changed scope, with the tools named, only the files the change adds or
 * modifies are listed. With `auto`, every file is listed to choose the tools, as a full scan
 * chooses them, but only the change's files are read for the content rules (minified,
 * generated) and checked for links out of the repository; the others, which no per-file tool
 * reads, are classed by path, git and .gitattributes alone.
 */
async function listing(
  prepared: Omit<Setup, "files">,
  change: ChangeSet | undefined,
  changeAlone: boolean,
): Promise<Setup> {
  const { workspace, tuning } = prepared;
  // The base scan classes the change's earlier paths (a rename's old name) with the same attributes.
  const fileRules = change
    ? { ...prepared.fileRules, alsoAsk: [...change.earlier.values()] }
    : prepared.fileRules;
  if (!change || !changeAlone)
    return { ...prepared, files: await listFiles(workspace, tuning, fileRules, undefined, change?.touched) };
  // Sorted as the walk sorts, so the tools read the files (and report) in the same order.
  const candidates = [...change.touched].sort();
  const tracked = new Set(candidates.filter((file) => !change.untracked.has(file)));
  const known = { tracked, untracked: change.untracked, submodules: [] };
  return {
    ...prepared,
    files: await listFiles(
      workspace,
      tuning,
      { ...fileRules, gitListing: known },
      candidates,
      change.touched,
    ),
  };
}

/** The scope that runs, and in changed scope the change's files. */
async function readScope(
  options: Options,
  prepared: Omit<Setup, "files">,
  plan: BaselinePlan,
): Promise<{ scope: Scope; change?: ChangeSet }> {
  const scope = resolveScope(options.scope, plan, options.env);
  if (scope.kind === "full") return { scope };
  // Untracked files are new wherever they came from, but only read when sast.include says so.
  const untracked = prepared.fileRules.include.has("untracked");
  return { scope, change: await readChangeSet(prepared.workspace.root, scope.mergeBaseSha, untracked) };
}

/** How findings are marked new: the kit's one reading of `baseline`, `base` and the event. */
async function planChange(options: Options, workspace: Workspace, io: ActionIO): Promise<BaselinePlan> {
  const plan = await planBaseline(
    options.baseline,
    { workspace, env: options.env, ...(options.base !== undefined ? { base: options.base } : {}) },
    io,
  );
  if (plan.kind === "ref" || plan.kind === "changed-lines") io.info(describeChange(plan.change));
  return plan;
}

/** Which tools run (input, else sast.tools, else auto), installing missing ones when asked. */
async function chooseTools(
  request: ToolRequest,
  options: Options,
  setup: Setup,
  io: ActionIO,
): Promise<Selection> {
  const { config, workspace, files } = setup;
  const selection = await selectTools(request, {
    files: files.files,
    skippedFiles: files.skipped.map((f) => f.path),
    env: options.env,
    installTools: options.installTools,
    semgrepHasRules: await semgrepHasRules({
      repoRoot: workspace.root,
      args: config.sast?.args?.semgrep ?? [],
    }),
  });
  logSelection(selection, io);
  return selection;
}

/**
 * Which files each tool reads: every file, or (changed scope) only those the change adds or
 * modifies, for the tools whose findings in a file depend on that file alone.
 */
async function chooseScope(
  scope: Scope,
  change: ChangeSet | undefined,
  setup: Setup,
  selection: Selection,
  io: ActionIO,
): Promise<ToolScopes> {
  const { workspace, config } = setup;
  const scopes = await toolScopes(scope, change, selection.run, {
    repoRoot: workspace.root,
    scanRoot: workspace.scanRoot,
    config,
  });
  const touched = change ? setup.files.files.filter((file) => change.touched.has(file)).length : 0;
  for (const line of scopeLogLines(scopes, touched)) io.info(line);
  return scopes;
}

/** What scanning a checkout takes: the tools, the team's tuning, and PATH with installed tools. */
async function scanOptions(
  options: Options,
  setup: Setup,
  selection: Selection,
  io: ActionIO,
): Promise<Omit<CheckoutScanOptions, "label">> {
  const env = await installTools(selection.install, { ...options.env }, io);
  return {
    tools: selection.run,
    config: setup.config,
    tuning: setup.tuning,
    fileRules: setup.fileRules,
    env,
    io,
  };
}

/** What every run shares: version, team, provenance of the change's head, and the commits compared. */
async function runSettings(options: Options, setup: Setup, plan: BaselinePlan): Promise<RunSettings> {
  const { workspace, config } = setup;
  const change = plan.kind === "ref" || plan.kind === "changed-lines" ? plan.change : undefined;
  // Without a change to compare, the head is the commit checked out.
  const checkedOut = !change && workspace.isGit ? await resolveCommit(workspace.root, "HEAD") : undefined;
  const head = change ?? (checkedOut ? { headSha: checkedOut } : undefined);
  const repository = provenance(head, options.env);
  return {
    actionVersion: pkg.version,
    srcRoot: pathToFileURL(workspace.root).href,
    severityOverrides: config["severity-overrides"] ?? {},
    ...(config.team ? { team: config.team } : {}),
    ...(repository ? { repository } : {}),
    ...(change ? { baseRef: change.mergeBaseSha, headRef: change.headSha } : {}),
  };
}

/**
 * Runs the tools on the checkout and reads the imported files: one profile run per tool, and
 * everything they could not check.
 */
async function scanHead(
  options: Options,
  setup: Setup,
  scanning: Omit<CheckoutScanOptions, "label">,
  scopes: ToolScopes,
  settings: RunSettings,
  io: ActionIO,
  alongside?: EarlierVersions["alongside"],
): Promise<{ runs: MarkNewRuns; unchecked: Unchecked[]; coverage: ToolCoverage[] }> {
  const { workspace, tuning, files } = setup;
  const only = headLimits(scopes);
  const toolReports = await scanCheckout(workspace, {
    ...scanning,
    label: "head",
    files,
    only,
    ...(alongside ? { alongside } : {}),
  });
  const imported: ToolReport[] = [];
  for (const file of options.inputs) {
    imported.push(...(await importInput(file, { toolCwd: workspace.scanRoot, repoRoot: workspace.root })));
  }
  uniqueKeys([...toolReports, ...imported]);
  const sources = new SourceLines(workspace.root);
  const runs = {
    toolRuns: await buildRuns(toolReports, tuning, settings, sources, io),
    importedRuns: await buildRuns(imported, tuning, settings, sources, io),
  };
  const coverage = scanning.tools.map((tool) => coverageOf(tool, filesFor(tool, files, only).files));
  coverage.forEach((c, i) => {
    const run = runs.toolRuns[i];
    if (run) recordScope(run, c, scopes);
  });
  // After buildRuns: the team's ignore-paths apply to what was not checked as to findings.
  return { runs, unchecked: uniqueUnchecked([...toolReports, ...imported]), coverage };
}

/** The earlier versions of the files per-file tools read, in their own folder, listed. */
interface EarlierVersions {
  base: Checkout;
  listed: FileList;
  only: Map<SastTool, ReadonlySet<string>>;
  /** By tool, the base's scan, for a tool that reads head and base in one run (Bandit). */
  alongside: Map<SastTool, NonNullable<ScanContext["alongside"]>>;
}

/**
 * In changed scope, runs `body` with the earlier versions of the files per-file tools read set
 * out in a folder for the whole of it, so that the head's scan can read them too where a tool
 * reads both in one run (one Python start for Bandit, not two); else runs `body` alone.
 */
async function withEarlierVersions<T>(
  setup: Setup,
  scanning: Omit<CheckoutScanOptions, "label">,
  scopes: ToolScopes | undefined,
  body: (earlier: EarlierVersions | undefined) => Promise<T>,
): Promise<T> {
  const perFile = scanning.tools.filter((tool) => scopes?.perFile.has(tool));
  if (!scopes?.change || perFile.length === 0) return body(undefined);
  const { only, files, support } = earlierFiles(perFile, setup.files, scopes);
  if (files.length + support.length === 0) return body(undefined);
  const [result] = await scanBaseFiles(
    setup.workspace,
    scopes.change.mergeBaseSha,
    [...files, ...support],
    async (base) => {
      const listed = await listFiles(base, setup.tuning, setup.fileRules, files);
      const alongside = new Map(
        perFile.map((tool) => [tool, { context: toolContext(base, listed, { ...scanning, only }, tool) }]),
      );
      return [await body({ base, listed, only, alongside })];
    },
  );
  return result as T;
}

/**
 * How markNew scans the base commit or reads a baseline SARIF file. Per-file tools in changed
 * scope read the earlier versions of the files they read at the head, placed alone at their
 * paths; the other tools read a worktree of the whole base commit.
 */
function baseHelpers(
  setup: Setup,
  scanning: Omit<CheckoutScanOptions, "label">,
  scopes: ToolScopes,
  settings: RunSettings,
  io: ActionIO,
  earlier: EarlierVersions | undefined,
): MarkNewHelpers {
  const scanTools = async (base: Checkout, options: Partial<CheckoutScanOptions>) => {
    const reports = await scanCheckout(base, { ...scanning, ...options, label: "base" });
    uniqueKeys(reports);
    return buildRuns(reports, setup.tuning, settings, new SourceLines(base.root), io, true);
  };
  const perFile = scanning.tools.filter((tool) => scopes.perFile.has(tool));
  const whole = scanning.tools.filter((tool) => !scopes.perFile.has(tool));
  return {
    async scanBase(sha) {
      const runs: Sarif.Run[] = [];
      if (perFile.length > 0 && earlier) {
        // The folder of earlier versions is there already; what ran alongside the head is not run again.
        const done = new Map<SastTool, ToolReport>();
        for (const [tool, { report }] of earlier.alongside) if (report) done.set(tool, report);
        runs.push(
          ...(await scanTools(earlier.base, {
            tools: perFile,
            only: earlier.only,
            files: earlier.listed,
            done,
          })),
        );
      } else if (perFile.length > 0 && scopes.change) {
        const { only, files, support } = earlierFiles(perFile, setup.files, scopes);
        runs.push(
          ...(await scanBaseFiles(setup.workspace, sha, [...files, ...support], async (base) =>
            scanTools(base, {
              tools: perFile,
              only,
              files: await listFiles(base, setup.tuning, setup.fileRules, files),
            }),
          )),
        );
      }
      if (whole.length > 0)
        runs.push(
          ...(await scanWholeBase(setup.workspace, sha, (base) => scanTools(base, { tools: whole }))),
        );
      return runs;
    },
    ...(scopes.change ? { renames: scopes.change.renames } : {}),
    readBaselineFile: (file) => readBaselineFile(file, setup.workspace, setup.tuning, settings),
  };
}

/** Marks what the team's waivers cover as suppressed, and says which waivers expired. */
function waive(log: Sarif.Log, config: SecflowConfig, io: ActionIO): Sarif.Log {
  logWaivers(applyWaivers(log, config.waivers ?? []), io);
  return log;
}

/** Annotations on the new findings and the job summary. */
async function report(
  log: Sarif.Log,
  counts: FindingCounts,
  facts: {
    selection: Selection;
    baseline: string | undefined;
    sarifFile: string;
    warnings: readonly string[];
    unchecked: readonly Unchecked[];
    notScanned: SkippedFacts;
    /** Lines on the scope, in changed scope. */
    scope: string[];
  },
  io: ActionIO,
): Promise<void> {
  const notScanned = skippedLogLine(facts.notScanned);
  if (notScanned) io.info(notScanned);
  const left = annotateNewFindings(log, io);
  if (left > 0)
    io.info(`${left} more new finding(s) are not annotated; see the job summary and the SARIF file.`);
  await io.appendSummary(
    summaryMarkdown(log, {
      counts,
      runs: log.runs.map((r) => ({ tool: r.tool.driver.name, findings: r.results?.length ?? 0 })),
      skipped: facts.selection.skipped,
      ...(facts.baseline ? { baseline: facts.baseline } : {}),
      sarifFile: facts.sarifFile,
      warnings: facts.warnings,
      unchecked: facts.unchecked,
      notScanned: facts.notScanned,
      scope: facts.scope,
    }),
  );
}
