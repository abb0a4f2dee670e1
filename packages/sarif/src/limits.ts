import { gzipSync } from "node:zlib";
import type * as Sarif from "sarif";
import { sarifLog } from "./builder.ts";
import { GITHUB_LIMITS } from "./profile.ts";
import { isSeverity, SEVERITIES, type Severity, severityFromLabel } from "./severity.ts";

export interface FitResult {
  /** One or more logs, each within GitHub's limits. */
  logs: Sarif.Log[];
  /** What was trimmed or split, for the step's warnings. */
  warnings: string[];
}

/** What fitting to GitHub's limits says: the same from the in-memory fit and the streaming merge. */
export const trimWarnings = {
  perRun: (category: string, kept: number, total: number) =>
    `${category}: kept the ${kept} most severe of ${total} results (GitHub's per-run limit); the least severe ${total - kept} were dropped`,
  split: (runs: number, files: number, perFile: number) =>
    `${runs} runs split into ${files} files of at most ${perFile}`,
  size: (kept: number, total: number, maxBytes: number) =>
    `kept the ${kept} most severe of ${total} results to stay under ${maxBytes / 1048576} MB gzipped`,
};

/**
 * Makes a log fit GitHub code scanning: runs over 25,000 results keep their most severe ones,
 * logs over 20 runs are split into several files, and a file over 10 MB gzipped drops its least
 * severe results until it fits. Every trim is reported in `warnings`.
 */
export function fitToGithubLimits(
  log: Sarif.Log,
  limits: Partial<Record<keyof typeof GITHUB_LIMITS, number>> = {},
): FitResult {
  const { runsPerFile, resultsPerRun, gzippedBytes } = { ...GITHUB_LIMITS, ...limits };
  const warnings: string[] = [];
  const runs = log.runs.map((run) => {
    const results = run.results ?? [];
    if (results.length <= resultsPerRun) return run;
    const kept = bySeverity(results).slice(0, resultsPerRun);
    warnings.push(trimWarnings.perRun(categoryOf(run), resultsPerRun, results.length));
    return { ...run, results: kept };
  });
  const logs: Sarif.Log[] = [];
  for (let i = 0; i < runs.length; i += runsPerFile) logs.push(sarifLog(runs.slice(i, i + runsPerFile)));
  if (logs.length > 1) warnings.push(trimWarnings.split(runs.length, logs.length, runsPerFile));
  return { logs: logs.map((l) => shrinkToSize(l, gzippedBytes, warnings)), warnings };
}

function shrinkToSize(log: Sarif.Log, maxBytes: number, warnings: string[]): Sarif.Log {
  let size = gzipSync(JSON.stringify(log)).length;
  if (size <= maxBytes) return log;
  const total = log.runs.reduce((n, r) => n + (r.results?.length ?? 0), 0);
  // Drop the least severe results a tenth at a time: gzip size is not linear, so re-measure.
  let current = log;
  let keepRatio = Math.min(0.9, maxBytes / size);
  while (size > maxBytes && keepRatio > 0.001) {
    current = sarifLog(
      log.runs.map((run) => ({
        ...run,
        results: bySeverity(run.results ?? []).slice(0, Math.floor((run.results?.length ?? 0) * keepRatio)),
      })),
    );
    size = gzipSync(JSON.stringify(current)).length;
    keepRatio *= 0.9;
  }
  const kept = current.runs.reduce((n, r) => n + (r.results?.length ?? 0), 0);
  warnings.push(trimWarnings.size(kept, total, maxBytes));
  return current;
}

function bySeverity(results: Sarif.Result[]): Sarif.Result[] {
  const rank = (r: Sarif.Result) => SEVERITIES.indexOf(severityOf(r));
  // Stable sort: equal severities keep their order.
  return [...results].sort((a, b) => rank(a) - rank(b));
}

/** A result's severity: the profile's property, else its SARIF level. */
export function severityOf(result: Sarif.Result): Severity {
  const secflow = (result.properties as { secflow?: { severity?: unknown } } | undefined)?.secflow;
  if (isSeverity(secflow?.severity)) return secflow.severity;
  return severityFromLabel(result.level ?? "warning") ?? "medium";
}

export function categoryOf(run: Sarif.Run): string {
  return run.automationDetails?.id ?? run.tool.driver.name;
}
