import { type ActionIO, emitSarif, type StepOutcome, WaiverBook } from "@secflow/kit";
import { approvalFacts } from "./approvals.ts";
import { decide } from "./decide.ts";
import { evaluate } from "./evaluate.ts";
import { evidenceOf, writeEvidence } from "./evidence.ts";
import { collectFindings } from "./findings.ts";
import { gateSarif } from "./gate-sarif.ts";
import { gather } from "./gather.ts";
import { ApiError, type GitHubApi, lazyGitHubApi } from "./github-api.ts";
import { evaluateLabels, labelFacts } from "./labels.ts";
import type { Options } from "./options.ts";
import { type GatePaths, resolvePaths } from "./paths.ts";
import type { Decision, Reason } from "./reasons.ts";
import type { GateReport, LinkBase } from "./report.ts";
import { runInfo } from "./run-info.ts";
import { displayPath } from "./sarif-inputs.ts";
import { upsertComment } from "./sticky-comment.ts";
import { renderSummary } from "./summary.ts";

export { type Options, readOptions } from "./options.ts";
export type { Decision, Reason } from "./reasons.ts";

export interface Outcome extends StepOutcome {
  decision: Decision;
  reasons: Reason[];
}

/**
 * Decides pass, review or fail for the change, writes the gate's SARIF, the evidence file and
 * the job summary, and sets the outputs. Broken input never ends in a pass: it is a reason.
 */
export async function run(given: Options, io: ActionIO): Promise<Outcome> {
  const startedAt = new Date();
  if (given.token) io.setSecret(given.token);
  const gathered = await gather(given, await resolvePaths(given));
  // The options in force: the enforcement inputs may come from the base commit's workflow.
  const { options, paths, context, policy } = gathered;
  const links: LinkBase = {
    serverUrl: options.env.GITHUB_SERVER_URL || "https://github.com",
    ...(context?.repository ? { repository: context.repository } : {}),
    ...(context ? { headSha: context.headSha, baseSha: context.baseSha } : {}),
  };
  const api: GitHubApi | undefined =
    options.token && context?.repository
      ? lazyGitHubApi({
          token: options.token,
          baseUrl: options.env.GITHUB_API_URL || "https://api.github.com",
          ...context.repository,
          limits: options.apiLimits,
        })
      : undefined;
  const labels = await evaluateLabels(policy, labelFacts(context), api);
  const waivers = new WaiverBook(policy.waivers, new Date(), { maxDays: policy.waiverMaxDays });
  const findings = collectFindings(gathered.sarif.runs, policy.severityOverrides);
  for (const run of findings.fullModeRuns) {
    gathered.notes.push(
      `${run} has results without a baseline state; each counts as new (run it with a base to judge only what the change adds).`,
    );
  }
  const evaluation = evaluate({
    policy,
    ...(context ? { facts: context } : {}),
    findings,
    runs: gathered.sarif.runs,
    ignored: gathered.sarif.ignored,
    ...(gathered.policyDiff ? { policyDiff: gathered.policyDiff } : {}),
    change: gathered.change,
    ...(gathered.workflowChanges ? { workflowChanges: gathered.workflowChanges } : {}),
    labels,
    waivers,
    problems: gathered.problems,
    fatal: gathered.fatal,
    ...(gathered.config.error ? { policyUnreadable: true } : {}),
  });
  const verdict = await decide(evaluation, labels, api, approvalFacts(context), policy);
  const report: GateReport = {
    verdict,
    evaluation,
    mode: options.mode,
    policy,
    config: gathered.config.source,
    ...(context ? { context } : {}),
    change: gathered.change.record,
    enforcement: gathered.enforcement,
    run: await runInfo(options.env),
    sarif: gathered.sarif.files,
    ...(gathered.policyDiff ? { policyDiff: gathered.policyDiff } : {}),
    labels,
    waivers,
    notes: gathered.notes,
    links,
    startedAt,
  };
  await publish(report, options, paths, io, api);
  return outcome(report);
}

async function publish(
  report: GateReport,
  options: Options,
  paths: GatePaths,
  io: ActionIO,
  api: GitHubApi | undefined,
): Promise<void> {
  const { verdict } = report;
  const { workspace, output, evidence } = paths;
  await emitSarif(gateSarif(report, workspace.root), { output, action: "change-gate", io });
  await writeEvidence(evidence, evidenceOf(report, new Date()));
  const summary = renderSummary(report, displayPath(evidence, workspace.base));
  await io.appendSummary(summary);
  const number = report.context?.number;
  if (options.comment && api && number !== undefined) {
    try {
      io.info(`Pull-request comment ${await upsertComment(api, number, summary)}.`);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      io.warning(`The pull-request comment was not written: ${error.message}`);
    }
  }
  io.info(`Change gate: ${verdict.decision}${verdict.clearedBy ? ` (cleared by ${verdict.clearedBy})` : ""}`);
  for (const reason of verdict.reasons) io.info(`  ${reason.verdict}: ${reason.message}`);
  io.setOutput("decision", verdict.decision);
  io.setOutput(
    "reasons",
    JSON.stringify(
      verdict.reasons.map(({ rule, verdict: v, message, location }) => ({
        rule,
        verdict: v,
        message,
        ...(location ? { location } : {}),
      })),
    ),
  );
  io.setOutput("evidence-file", evidence);
  io.setOutput("sarif-file", output);
}

function outcome(report: GateReport): Outcome {
  const { decision, reasons } = report.verdict;
  const result: Outcome = { decision, reasons };
  if (decision === "pass" || report.mode === "advise") return result;
  const first = reasons.find((r) => r.verdict === decision)?.message ?? "";
  const more = reasons.length > 1 ? ` (and ${reasons.length - 1} more reasons in the job summary)` : "";
  result.failed =
    decision === "fail"
      ? `Change gate: fail — ${first}${more}`
      : `Change gate: review — a security reviewer must approve the head commit: ${first}${more}`;
  return result;
}
