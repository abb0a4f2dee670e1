import type * as Sarif from "sarif";
import { applyBaseline, type BaselineOptions } from "./baseline.ts";
import { absentResult, type BaselineCounts, baselineRuns } from "./baseline-core.ts";
import { FINDING_MEMBERS, FindingIndex, findingOf } from "./finding.ts";
import { parseSarif, readSarifText } from "./read.ts";
import { memberSpan, parseResult, type ScannedSarif, scanSarif } from "./scan.ts";
import { writeSarifFile, writeSarifStream } from "./write.ts";

export interface BaselineFiles {
  base: string;
  head: string;
  output: string;
}

/** What the output needs of one head run. */
interface HeadRun {
  findings: FindingIndex;
  /** Results that already carry a `baselineState`, which is replaced rather than added. */
  stated: Set<number>;
  /** Base results the head no longer has, as JSON (with `includeAbsent`). */
  absent: string[];
}

const STATES = { new: '"new"', unchanged: '"unchanged"', updated: '"updated"' };

/**
 * `applyBaseline` from file to file, for logs of any size: reads `base` and `head`, writes the
 * head with `baselineState` set to `output` and returns the counts. Both logs are scanned rather
 * than parsed whole, each result read into a finding and dropped, and the output is the head's
 * own text with the states spliced in. Whatever the scanner does not understand, malformed input
 * included, goes through `parseSarif` (and its UserErrors) and `applyBaseline` instead.
 */
export async function baselineFiles(
  files: BaselineFiles,
  options: BaselineOptions = {},
): Promise<BaselineCounts> {
  // The head is read from disk while the base is scanned.
  const reading = readSarifText(files.head);
  reading.catch(() => {}); // awaited below; not an unhandled rejection meanwhile
  const baseText = await readSarifText(files.base);
  const baseFindings: FindingIndex[] = [];
  const base = scanSarif(baseText, files.base, FINDING_MEMBERS, (result, run, index, rules) => {
    if (result.baselineState === "absent") return;
    (baseFindings[run] ??= new FindingIndex()).add(findingOf(result, index, rules, options.renames));
  });
  const headText = await reading;
  const headRuns: HeadRun[] = [];
  const headRun = (i: number) =>
    (headRuns[i] ??= { findings: new FindingIndex(), stated: new Set(), absent: [] });
  const head =
    base &&
    scanSarif(headText, files.head, FINDING_MEMBERS, (result, run, index, rules) => {
      headRun(run).findings.add(findingOf(result, index, rules));
      if (Object.hasOwn(result, "baselineState")) headRun(run).stated.add(index);
    });
  if (!base || !head) {
    const full = applyBaseline(parseSarif(baseText, files.base), parseSarif(headText, files.head), options);
    await writeSarifFile(files.output, full.log);
    return full.counts;
  }

  const counts = baselineRuns(
    base.log.runs,
    head.log.runs,
    { base: (j) => (baseFindings[j] ??= new FindingIndex()), head: (i) => headRun(i).findings },
    options.includeAbsent
      ? (finding, j, i) => {
          const [baseRun, run] = [base.log.runs[j] as Sarif.Run, head.log.runs[i] as Sarif.Run];
          const result = absentResult(parseResult(base, j, finding.index), baseRun, run);
          headRun(i).absent.push(JSON.stringify(result));
        }
      : undefined,
  );
  await writeSarifStream(files.output, head.log, (i) => resultsText(head, i, headRun(i)));
  return counts;
}

/**
 * The text of a head run's results, in pieces: each as the head has it with `baselineState`
 * set, then the absent ones.
 */
function resultsText(head: ScannedSarif, i: number, run: HeadRun): string[] {
  const { text } = head;
  const spans = head.spans[i] ?? [];
  const pieces: string[] = [];
  for (const finding of run.findings.all) {
    if (pieces.length > 0) pieces.push(",");
    const start = spans[2 * finding.index] as number;
    const end = spans[2 * finding.index + 1] as number;
    if (!finding.state) throw new Error(`head result ${finding.index} was left unmatched`);
    const state = STATES[finding.state];
    const existing = run.stated.has(finding.index) ? memberSpan(text, start, "baselineState") : undefined;
    if (existing) {
      pieces.push(text.slice(start, existing[0]), state, text.slice(existing[1], end));
      continue;
    }
    // Added as the last member, after the last value rather than before any trailing space.
    let last = end - 2;
    while (text.charCodeAt(last) <= 0x20) last--; // JSON's whitespace: the result is valid JSON
    const member = `${text[last] === "{" ? "" : ","}"baselineState":${state}`;
    pieces.push(text.slice(start, last + 1), member, text.slice(last + 1, end));
  }
  for (const absent of run.absent) {
    if (pieces.length > 0) pieces.push(",");
    pieces.push(absent);
  }
  return pieces;
}
