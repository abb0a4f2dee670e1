import { pathToFileURL } from "node:url";
import { UserError } from "@secflow/errors";
import { type ActionIO, loadConfig, type StepOutcome, type Waiver } from "@secflow/kit";
import {
  atLeast,
  fitToGithubLimits,
  formatIssues,
  GITHUB_LIMITS,
  type Sarif,
  sarifLog,
  type Threshold,
  validate,
  writeSarifFile,
} from "@secflow/sarif";
import pkg from "../package.json" with { type: "json" };
import { semgrepHasRules } from "./adapters/semgrep.ts";
import { annotateNewFindings } from "./annotations.ts";
import { readBaselineFile } from "./baseline-file.ts";
import { planBaseline } from "./baseline-plan.ts";
import { buildRuns, type RunSettings } from "./build-run.ts";
import { listFiles, scanCheckout } from "./checkout-scan.ts";
import { type Counts, countResults } from "./counts.ts";
import { importInput } from "./import-inputs.ts";
import { installTools } from "./install-tools.ts";
import { markNew } from "./mark-new.ts";
import type { Options } from "./options.ts";
import { recordingIO } from "./recording-io.ts";
import { type ToolReport, uniqueKeys } from "./report.ts";
import { locateCheckout, provenance } from "./repository.ts";
import { logSelection, selectTools, toolRequest } from "./select-tools.ts";
import { SourceLines } from "./source-lines.ts";
import { summaryMarkdown } from "./summary.ts";
import { tuningOf } from "./tuning.ts";
import { applyWaivers, logWaivers } from "./waivers.ts";

export type { Options } from "./options.ts";
export { readOptions } from "./options.ts";

export type Outcome = StepOutcome;

/**
 * Runs (or imports) the static-analysis tools and writes one profile SARIF run per tool, with
 * the findings the change introduces marked new; then outputs, annotations and a job summary.
 */
export async function run(options: Options, actionIO: ActionIO): Promise<Outcome> {
  const { io, warnings } = recordingIO(actionIO);
  const checkout = await locateCheckout(options.path);
  const config = await loadConfig(options.config.file, { required: options.config.required });
  const tuning = tuningOf(config);
  const files = await listFiles(checkout, tuning);
  const env: Record<string, string | undefined> = { ...options.env };

  const request = toolRequest(options.tools, config.sast?.tools, options.inputs.length > 0);
  const semgrepArgs = config.sast?.args?.semgrep ?? [];
  const selection = await selectTools(request, {
    files,
    env,
    installTools: options.installTools,
    semgrepHasRules: await semgrepHasRules({ repoRoot: checkout.repoRoot, args: semgrepArgs }),
  });
  logSelection(selection, io);
  const toolEnv = await installTools(selection.install, env, io);
  const plan = await planBaseline(options.baseline, checkout, options.base, options.env, io);

  const repository = provenance(checkout, options.env);
  const settings: RunSettings = {
    actionVersion: pkg.version,
    srcRoot: pathToFileURL(checkout.repoRoot).href,
    severityOverrides: config["severity-overrides"] ?? {},
    ...(config.team ? { team: config.team } : {}),
    ...(repository ? { repository } : {}),
    ...(plan.kind === "ref" || plan.kind === "changed-lines"
      ? { baseRef: plan.mergeBaseSha, headRef: plan.headSha }
      : {}),
  };
  const scanOptions = { tools: selection.run, config, tuning, env: toolEnv, io };
  const toolReports = await scanCheckout(checkout, { ...scanOptions, label: "head", files });
  const imported: ToolReport[] = [];
  for (const file of options.inputs) {
    imported.push(...(await importInput(file, { toolCwd: checkout.scanRoot, repoRoot: checkout.repoRoot })));
  }
  uniqueKeys([...toolReports, ...imported]);
  const sources = new SourceLines(checkout.repoRoot);
  const toolRuns = await buildRuns(toolReports, tuning, settings, sources, io);
  const importedRuns = await buildRuns(imported, tuning, settings, sources, io);

  const baseline = await markNew(
    plan,
    checkout,
    { toolRuns, importedRuns },
    {
      async scanBase(base) {
        const reports = await scanCheckout(base, { ...scanOptions, label: "base" });
        uniqueKeys(reports);
        return buildRuns(reports, tuning, settings, new SourceLines(base.repoRoot), io, true);
      },
      readBaselineFile: (file) => readBaselineFile(file, checkout, tuning, settings),
    },
  );

  const log = await finish(
    sarifLog([...toolRuns, ...importedRuns]),
    config.waivers ?? [],
    options.output,
    io,
  );
  const counts = countResults(log);
  const left = annotateNewFindings(log, io);
  if (left > 0)
    io.info(`${left} more new finding(s) are not annotated; see the job summary and the SARIF file.`);
  await io.appendSummary(
    summaryMarkdown(log, {
      counts,
      runs: log.runs.map((r) => ({ tool: r.tool.driver.name, findings: r.results?.length ?? 0 })),
      skipped: selection.skipped,
      ...(baseline ? { baseline } : {}),
      sarifFile: options.output,
      warnings,
    }),
  );
  io.setOutput("sarif-file", options.output);
  io.setOutput("new-count", counts.new);
  io.setOutput("total-count", counts.total);
  io.setOutput("max-severity", counts.maxNewSeverity ?? "none");
  return verdict(counts, options.failOn ?? config.sast?.["fail-on"] ?? "none");
}

/** Applies waivers, fits GitHub's limits, validates (an invalid log is our bug) and writes. */
async function finish(
  log: Sarif.Log,
  waivers: readonly Waiver[],
  output: string,
  io: ActionIO,
): Promise<Sarif.Log> {
  logWaivers(applyWaivers(log, waivers), io);
  if (log.runs.length > GITHUB_LIMITS.runsPerFile) {
    throw new UserError(
      `${log.runs.length} runs (tools and imported runs) are more than the ${GITHUB_LIMITS.runsPerFile} GitHub accepts in one SARIF upload; import fewer files in this step.`,
    );
  }
  const fitted = fitToGithubLimits(log);
  for (const warning of fitted.warnings) io.warning(warning);
  const written = fitted.logs[0] ?? log;
  const check = validate(written);
  if (!check.valid)
    throw new Error(`secflow sast built SARIF that fails validation:\n${formatIssues(check.issues)}`);
  await writeSarifFile(output, written);
  io.info(`Wrote ${output}.`);
  return written;
}

/** Fails the step when a new finding reaches the fail-on threshold. */
function verdict(counts: Counts, threshold: Threshold): Outcome {
  if (!counts.maxNewSeverity || !atLeast(counts.maxNewSeverity, threshold)) return {};
  const failing = Object.entries(counts.bySeverity)
    .filter(([severity]) => atLeast(severity as keyof Counts["bySeverity"], threshold))
    .reduce((n, [, c]) => n + c.new, 0);
  return { failed: `${failing} new finding(s) of severity ${threshold} or higher (fail-on: ${threshold}).` };
}
