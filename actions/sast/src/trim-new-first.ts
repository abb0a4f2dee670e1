import { gzipSync } from "node:zlib";
import { type ActionIO, isCounted, isNew } from "@secflow/kit";
import { GITHUB_LIMITS, type Sarif, SEVERITIES, severityOf } from "@secflow/sarif";

type Limits = { resultsPerRun: number; gzippedBytes: number };

/** Where a result stands when some must go: lower ranks are kept first. */
interface Ranked {
  run: number;
  index: number;
  /** 0: new and counted; 1: counted; 2: waived, suppressed or absent. */
  tier: number;
  severity: number;
}

/**
 * Trims the log to GitHub's limits itself, keeping the findings the change introduces before
 * those it leaves unchanged, and the more severe before the less within each: the kit's trim
 * (fitToGithubLimits) ranks by severity alone, so an unchanged critical would push out a new low.
 * A log that fits is returned as it is; kept results stay in their order. Counts and outputs are
 * taken before this, from every finding.
 */
export function trimNewFirst(
  log: Sarif.Log,
  io: Pick<ActionIO, "warning">,
  limits: Limits = GITHUB_LIMITS,
): Sarif.Log {
  const over = log.runs.some((run) => (run.results?.length ?? 0) > limits.resultsPerRun);
  if (!over) return fitSize(log, limits.gzippedBytes, io);
  const runs = log.runs.map((run, i) => {
    const results = run.results ?? [];
    if (results.length <= limits.resultsPerRun) return run;
    const ranked = ranks(log, i);
    const kept = keepBest(ranked, limits.resultsPerRun);
    io.warning(
      `SARIF trimmed to GitHub's limits: ${categoryOf(run)} kept ${limits.resultsPerRun} of ${results.length} results (GitHub's per-run limit), ${describe(ranked, kept)}.`,
    );
    return { ...run, results: results.filter((_, index) => kept.has(key(i, index))) };
  });
  return fitSize({ ...log, runs }, limits.gzippedBytes, io);
}

function fitSize(log: Sarif.Log, maxBytes: number, io: Pick<ActionIO, "warning">): Sarif.Log {
  let size = gzippedSize(log);
  if (size <= maxBytes) return log;
  const all = log.runs.flatMap((_, i) => ranks(log, i));
  let keep = Math.floor(all.length * Math.min(0.9, maxBytes / size));
  let trimmed = log;
  let kept = new Set<string>();
  // gzip size is not linear in the results kept: cut, measure again.
  while (size > maxBytes && keep > 0) {
    kept = keepBest(all, keep);
    trimmed = {
      ...log,
      runs: log.runs.map((run, i) => ({
        ...run,
        results: (run.results ?? []).filter((_, index) => kept.has(key(i, index))),
      })),
    };
    size = gzippedSize(trimmed);
    keep = Math.floor(keep * 0.9);
  }
  if (size > maxBytes) kept = new Set();
  io.warning(
    `SARIF trimmed to GitHub's limits: kept ${kept.size} of ${all.length} results to stay under ${maxBytes / 1048576} MB gzipped, ${describe(all, kept)}.`,
  );
  return trimmed;
}

function ranks(log: Sarif.Log, run: number): Ranked[] {
  return (log.runs[run]?.results ?? []).map((result, index) => ({
    run,
    index,
    tier: isCounted(result) ? (isNew(result) ? 0 : 1) : 2,
    severity: SEVERITIES.indexOf(severityOf(result)),
  }));
}

/** The `count` best-ranked results, as run/index keys (ties keep log order: the sort is stable). */
function keepBest(ranked: readonly Ranked[], count: number): Set<string> {
  const best = [...ranked].sort((a, b) => a.tier - b.tier || a.severity - b.severity).slice(0, count);
  return new Set(best.map((r) => key(r.run, r.index)));
}

function key(run: number, index: number): string {
  return `${run}:${index}`;
}

/** "all 3 new findings kept, the least severe unchanged ones dropped" or how many new were kept. */
function describe(ranked: readonly Ranked[], kept: ReadonlySet<string>): string {
  const fresh = ranked.filter((r) => r.tier === 0);
  const freshKept = fresh.filter((r) => kept.has(key(r.run, r.index))).length;
  return freshKept === fresh.length
    ? `all ${fresh.length} new finding(s) kept first, the least severe of the others dropped (the counts, outputs and job summary describe every finding)`
    : `${freshKept} of ${fresh.length} new finding(s) kept, the most severe first (the counts, outputs and job summary describe every finding)`;
}

function gzippedSize(log: Sarif.Log): number {
  return gzipSync(JSON.stringify(log)).length;
}

function categoryOf(run: Sarif.Run): string {
  return run.automationDetails?.id ?? run.tool.driver.name;
}
