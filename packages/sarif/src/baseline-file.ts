import type * as Sarif from "sarif";
import type { BaselineOptions } from "./baseline.ts";
import { absentResult, type BaselineCounts, baselineRuns } from "./baseline-core.ts";
import { FindingTable, STATE_NAMES } from "./finding.ts";
import { memberSpan } from "./json-members.ts";
import { Spill } from "./spill.ts";
import { parseResultText, streamSarif } from "./stream.ts";
import { StreamedLogWriter } from "./stream-writer.ts";

export interface BaselineFiles {
  base: string;
  head: string;
  output: string;
}

/** What the output needs of one head run. */
interface HeadRun {
  findings: FindingTable;
  /** Results (by index) that already carry a `baselineState`, which is replaced rather than added. */
  stated: Set<number>;
  /** Base results the head no longer has, as JSON (with `includeAbsent`): on disk, as there may be millions. */
  absent?: Spill;
}

const STATES = { new: '"new"', unchanged: '"unchanged"', updated: '"updated"' };

/**
 * `applyBaseline` from file to file, for logs of any size in bounded memory: both logs are read
 * as streams, each result reduced to a finding and dropped; then the head is streamed again and
 * written with `baselineState` spliced into each result's own text (and the base streamed again
 * for absent results, when asked for). Only findings are held, never a log's text.
 */
export async function baselineFiles(
  files: BaselineFiles,
  options: BaselineOptions = {},
): Promise<BaselineCounts> {
  const baseFindings: FindingTable[] = [];
  const base = await streamSarif(files.base, {
    result(text, run, index, rules) {
      const result = parseResultText(text, files.base, run, index);
      if (result?.baselineState === "absent") return;
      (baseFindings[run] ??= new FindingTable()).add(result, index, rules, options.renames);
    },
  });
  const headRuns: HeadRun[] = [];
  const headRun = (i: number) => (headRuns[i] ??= { findings: new FindingTable(), stated: new Set() });
  const head = await streamSarif(files.head, {
    result(text, run, index, rules) {
      const result = parseResultText(text, files.head, run, index);
      headRun(run).findings.add(result, index, rules);
      if (result !== null && typeof result === "object" && Object.hasOwn(result, "baselineState")) {
        headRun(run).stated.add(index);
      }
    },
  });

  /** Base results to copy in as absent: base run → result index → head runs. */
  const absent = new Map<number, Map<number, number[]>>();
  const counts = baselineRuns(
    base.log.runs,
    head.log.runs,
    { base: (j) => (baseFindings[j] ??= new FindingTable()), head: (i) => headRun(i).findings },
    options.includeAbsent
      ? (index, j, i) => {
          let byIndex = absent.get(j);
          if (!byIndex) absent.set(j, (byIndex = new Map()));
          byIndex.set(index, [...(byIndex.get(index) ?? []), i]);
        }
      : undefined,
  );
  if (absent.size > 0) {
    // In base order, as the in-memory baseline appends them; rules copied into the head run.
    await streamSarif(files.base, {
      result(text, run, index) {
        for (const i of absent.get(run)?.get(index) ?? []) {
          const result = absentResult(
            parseResultText(text, files.base, run, index),
            base.log.runs[run] as Sarif.Run,
            head.log.runs[i] as Sarif.Run,
          );
          const target = headRun(i);
          (target.absent ??= new Spill()).push(JSON.stringify(result));
        }
      },
    });
  }

  const writer = new StreamedLogWriter(files.output, head.log, (i) => headRuns[i]?.absent?.lines() ?? []);
  try {
    await streamSarif(files.head, {
      result(text, run, index) {
        // A head run's rows are its results in order: a result's row is its index.
        const state = STATE_NAMES[headRuns[run]?.findings.state[index] ?? 0];
        if (!state) throw new Error(`head result ${index} was left unmatched`);
        writer.result(run, withState(text, STATES[state], headRuns[run]?.stated.has(index) ?? false));
      },
    });
  } finally {
    try {
      writer.close();
    } finally {
      for (const run of headRuns) run?.absent?.dispose();
    }
  }
  return counts;
}

/** A result's text with its `baselineState` set: replaced where it has one, else added last. */
function withState(text: string, state: string, stated: boolean): string {
  const existing = stated ? memberSpan(text, 0, "baselineState") : undefined;
  if (existing) return text.slice(0, existing[0]) + state + text.slice(existing[1]);
  // Added as the last member, after the last value rather than before any trailing space.
  let last = text.length - 2;
  while (text.charCodeAt(last) <= 0x20) last--; // JSON's whitespace: the result is valid JSON
  return `${text.slice(0, last + 1)}${text[last] === "{" ? "" : ","}"baselineState":${state}${text.slice(last + 1)}`;
}
