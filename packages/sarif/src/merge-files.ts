import { open } from "node:fs/promises";
import { UserError } from "@secflow/errors";
import type * as Sarif from "sarif";
import { sarifLog } from "./builder.ts";
import { fileChunks } from "./file-chunks.ts";
import { GzipMeter } from "./gzip-meter.ts";
import { categoryOf, severityOf, trimWarnings } from "./limits.ts";
import { mergeLogs } from "./merge.ts";
import { GITHUB_LIMITS } from "./profile.ts";
import { SEVERITIES } from "./severity.ts";
import { parseResultText, streamSarif } from "./stream.ts";
import { StreamedLogWriter } from "./stream-writer.ts";
import { resultPathIssues } from "./validate.ts";

export interface MergedFiles {
  /** The files written: `output`, then `output-2.sarif`, … when the runs are split. */
  written: string[];
  runs: number;
  /** What was trimmed or split. */
  warnings: string[];
}

/** One run of the output: where it comes from and which of its results are written. */
interface MergedRun {
  source: string;
  /** Its index in its source's runs. */
  index: number;
  category: string;
  /** The severity rank of each result (0 critical … 4 info), in order. */
  ranks: Uint8Array;
  count: number;
  /** How many are written: the most severe first, in order within a severity. */
  keep: number;
}

/**
 * `fitToGithubLimits(mergeLogs(...))` from files to files, for logs of any size: each input is
 * read as a stream twice (once to rank its results, once to copy the ones kept), and only the
 * runs without their results and one byte per result are held. Runs keep their categories; two
 * runs with one category, or a location outside the repository, are refused as `merge` does.
 */
export async function mergeSarifFiles(
  files: readonly string[],
  output: string,
  limits: Partial<Record<keyof typeof GITHUB_LIMITS, number>> = {},
): Promise<MergedFiles> {
  const { runsPerFile, resultsPerRun, gzippedBytes } = { ...GITHUB_LIMITS, ...limits };
  const runs: MergedRun[] = [];
  const logs: { log: Sarif.Log; source: string }[] = [];
  for (const source of files) {
    const ranks: number[][] = [];
    const { log } = await streamSarif(source, {
      result(text, run, index) {
        const result = parseResultText(text, source, run, index);
        assertSafeLocations(result, source, `/runs/${run}/results/${index}`);
        (ranks[run] ??= []).push(SEVERITIES.indexOf(severityOf(result)));
      },
    });
    logs.push({ log, source });
    log.runs.forEach((run, index) => {
      const list = Uint8Array.from(ranks[index] ?? []);
      const category = categoryOf(run);
      runs.push({ source, index, category, ranks: list, count: list.length, keep: list.length });
    });
  }
  const merged = mergeLogs(logs); // refuses two runs with one category
  const warnings: string[] = [];
  for (const run of runs) {
    if (run.count <= resultsPerRun) continue;
    run.keep = resultsPerRun;
    warnings.push(trimWarnings.perRun(run.category, run.keep, run.count));
  }
  const groups: number[][] = [];
  for (let i = 0; i < runs.length; i += runsPerFile) {
    groups.push(runs.slice(i, i + runsPerFile).map((_, j) => i + j));
  }
  if (groups.length > 1) {
    warnings.push(trimWarnings.split(runs.length, groups.length, runsPerFile));
  }
  if (groups.length === 0) groups.push([]);
  const written: string[] = [];
  for (const [g, members] of groups.entries()) {
    const file = g === 0 ? output : output.replace(/(\.sarif)?$/, `-${g + 1}.sarif`);
    const group = members.map((i) => runs[i] as MergedRun);
    const envelope = sarifLog(members.map((i) => merged.runs[i] as Sarif.Run));
    await writeGroup(file, envelope, group);
    await shrinkToSize(file, envelope, group, gzippedBytes, warnings);
    written.push(file);
  }
  return { written, runs: runs.length, warnings };
}

/** Writes one output file: each run's kept results, copied as text from its source. */
async function writeGroup(file: string, envelope: Sarif.Log, group: MergedRun[]): Promise<void> {
  const writer = new StreamedLogWriter(file, envelope);
  try {
    for (const source of new Set(group.map((r) => r.source))) {
      const kept = new Map(
        group.flatMap((run, out) =>
          run.source === source ? [[run.index, { out, mask: keptMask(run) }]] : [],
        ),
      );
      await streamSarif(source, {
        result(text, run, index) {
          const target = kept.get(run);
          if (target?.mask[index]) writer.result(target.out, text);
        },
      });
    }
  } finally {
    writer.close();
  }
}

/** Which results of a run are written: its `keep` most severe, ties in order. */
function keptMask(run: MergedRun): Uint8Array {
  const mask = new Uint8Array(run.count);
  let left = run.keep;
  for (let rank = 0; rank < SEVERITIES.length && left > 0; rank++) {
    for (let i = 0; i < run.count && left > 0; i++) {
      if (run.ranks[i] === rank) {
        mask[i] = 1;
        left--;
      }
    }
  }
  return mask;
}

/** Drops the least severe results, a tenth at a time, until the file is under GitHub's gzipped limit. */
async function shrinkToSize(
  file: string,
  envelope: Sarif.Log,
  group: MergedRun[],
  maxBytes: number,
  warnings: string[],
) {
  let size = await gzippedSize(file, maxBytes);
  if (size <= maxBytes) return;
  const total = group.reduce((n, r) => n + r.keep, 0);
  const full = group.map((r) => r.keep);
  let ratio = Math.min(0.9, maxBytes / size);
  while (size > maxBytes && ratio > 0.001) {
    group.forEach((run, i) => {
      run.keep = Math.floor((full[i] as number) * ratio);
    });
    await writeGroup(file, envelope, group);
    size = await gzippedSize(file, maxBytes);
    ratio *= 0.9;
  }
  const kept = group.reduce((n, r) => n + r.keep, 0);
  warnings.push(trimWarnings.size(kept, total, maxBytes));
}

/**
 * A file's gzipped size, chunk by chunk. Past the limit it stops and extrapolates from the share
 * read, which is all that shrinking needs to pick its first ratio.
 */
async function gzippedSize(file: string, limit: number): Promise<number> {
  const meter = new GzipMeter(limit);
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    for await (const chunk of fileChunks(handle, 4 << 20)) {
      meter.write(chunk);
      if (meter.over) return Math.round((meter.bytes * size) / meter.read);
    }
    return meter.bytes;
  } finally {
    await handle.close();
  }
}

function assertSafeLocations(result: Sarif.Result, source: string, pointer: string): void {
  const [first] = resultPathIssues(result, pointer);
  if (first) throw new UserError(`${source}: ${first.pointer}: ${first.message}`);
}
