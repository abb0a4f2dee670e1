import { type ActionIO, emitSarif, type StepOutcome, WaiverBook } from "@secflow/kit";
import type { ChangeFacts } from "./change-facts.ts";
import { decide } from "./decide.ts";
import { evaluate } from "./evaluate.ts";
import { evidenceOf, writeEvidence } from "./evidence.ts";
import { collectFindings } from "./findings.ts";
import { gateSarif } from "./gate-sarif.ts";
import { gather } from "./gather.ts";
import { ApiError, type GitHubApi, lazyGitHubApi } from "./github-api.ts";
import { evaluateLabels } from "./labels.ts";
import type { Options } from "./options.ts";
import { type GatePaths, resolvePaths } from "./paths.ts";
import type { Decision, Reason } from "./reasons.ts";
import type { GateReport, LinkBase } from "./report.ts";
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
export async function run(options: Options, io: ActionIO): Promise<Outcome> {
  const startedAt = new Date();
  if (options.token) io.setSecret(options.token);
  const paths = await resolvePaths(options);
  const gathered = await gather(options, paths);
  const { context, policy } = gathered;
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
        })
      : undefined;
  const facts: ChangeFacts | undefined = context;
  const labels = await evaluateLabels(
    policy,
    { labels: context?.labels ?? [], ...authorAndNumber(context) },
    api,
  );
  const waivers = new WaiverBook(policy.waivers);
  const findings = collectFindings(gathered.sarif.runs, policy.severityOverrides);
  for (const run of findings.fullModeRuns) {
    gathered.notes.push(
      `${run} has results without a baseline state; each counts as new (run it with a base to judge only what the change adds).`,
    );
  }
  const evaluation = evaluate({
    policy,
    ...(facts ? { facts } : {}),
    findings,
    runs: gathered.sarif.runs,
    ...(gathered.policyDiff?.diff ? { diff: gathered.policyDiff.diff } : {}),
    labels,
    waivers,
    problems: gathered.problems,
    fatal: gathered.fatal,
  });
  const verdict = await decide(
    evaluation,
    labels,
    api,
    { ...authorAndNumber(context), headSha: context?.headSha ?? "" },
    policy,
  );
  const report: GateReport = {
    verdict,
    evaluation,
    mode: options.mode,
    policy,
    config: gathered.config.source,
    ...(context ? { context } : {}),
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

function authorAndNumber(context: GateReport["context"]): { author?: string; number?: number } {
  return {
    ...(context?.author ? { author: context.author } : {}),
    ...(context?.number !== undefined ? { number: context.number } : {}),
  };
}
