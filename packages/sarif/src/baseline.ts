import type * as Sarif from "sarif";
import { decodePath } from "./builder.ts";
import { normalizeCode } from "./fingerprint.ts";

export interface BaselineOptions {
  /** Files renamed between base and head (old path → new path), e.g. from `git diff -M`. */
  renames?: ReadonlyMap<string, string>;
  /** Append base results the head no longer has, with `baselineState: "absent"`. */
  includeAbsent?: boolean;
}

export interface BaselineCounts {
  new: number;
  unchanged: number;
  updated: number;
  absent: number;
}

/** Above this many candidate pairs in one group, matching falls back to file order. */
const MAX_PAIRS = 250_000;

interface Finding {
  result: Sarif.Result;
  path: string;
  line: number;
  ruleId: string;
  /** Identity without position: the flagged code when the tool gave it, else the message. */
  key: string;
  matched: boolean;
}

/**
 * Sets `baselineState` on every result of `head` (mutated in place, and returned) by matching it
 * against `base`. Results match on rule, file and flagged code, never on line numbers alone, so
 * code that moved stays `unchanged`. Where one file repeats identical findings, lines are
 * compared after correcting for the shift measured at unambiguous neighbours, which tells the
 * copy a pull request added from the ones that were already there.
 */
export function applyBaseline(
  base: Sarif.Log,
  head: Sarif.Log,
  options: BaselineOptions = {},
): { log: Sarif.Log; counts: BaselineCounts } {
  const counts: BaselineCounts = { new: 0, unchanged: 0, updated: 0, absent: 0 };
  const baseRuns = new Map<string, Sarif.Run>();
  for (const run of base.runs) baseRuns.set(runKey(run), run);
  for (const run of head.runs) {
    const baseRun = baseRuns.get(runKey(run));
    baselineRun(baseRun, run, options, counts);
    const secflow = run.properties?.secflow as { mode?: string } | undefined;
    if (secflow) secflow.mode = "diff";
  }
  return { log: head, counts };
}

function runKey(run: Sarif.Run): string {
  return run.automationDetails?.id ?? `tool:${run.tool.driver.name}`;
}

function baselineRun(
  baseRun: Sarif.Run | undefined,
  headRun: Sarif.Run,
  options: BaselineOptions,
  counts: BaselineCounts,
): void {
  const headResults = (headRun.results ??= []);
  const head = headResults.map((r) => toFinding(r, headRun, undefined));
  const base = (baseRun?.results ?? [])
    .filter((r) => r.baselineState !== "absent")
    .map((r) => toFinding(r, baseRun as Sarif.Run, options.renames));

  const baseGroups = groupBy(base);
  const headGroups = groupBy(head);

  // Pass 1: findings unique on both sides match outright and serve as anchors for line shifts.
  const anchors = new Map<string, [number, number][]>();
  for (const [key, heads] of headGroups) {
    const bases = baseGroups.get(key);
    if (bases?.length === 1 && heads.length === 1) {
      const [b, h] = [bases[0] as Finding, heads[0] as Finding];
      pair(b, h, counts);
      let list = anchors.get(h.path);
      if (!list) anchors.set(h.path, (list = []));
      list.push([b.line, h.line]);
    }
  }
  for (const list of anchors.values()) list.sort((a, b) => a[0] - b[0]);

  // Pass 2: repeated findings match by shift-corrected line distance.
  for (const [key, heads] of headGroups) {
    const bases = baseGroups.get(key);
    if (!bases || (bases.length === 1 && heads.length === 1)) continue;
    matchByDistance(bases, heads, anchors.get(heads[0]?.path ?? ""), counts);
  }

  // Pass 3: an unmatched head finding where an unmatched base finding of the same rule is
  // predicted to be is the same finding with other text (message or code edited): updated.
  const leftovers = new Map<string, Finding[]>();
  for (const b of base) {
    if (b.matched) continue;
    const slot = `${b.path}\0${b.ruleId}\0${predict(b.line, anchors.get(b.path))}`;
    const slotted = leftovers.get(slot);
    if (slotted) slotted.push(b);
    else leftovers.set(slot, [b]);
  }
  for (const h of head) {
    if (h.matched) continue;
    const candidate = leftovers.get(`${h.path}\0${h.ruleId}\0${h.line}`)?.find((b) => !b.matched);
    if (candidate) {
      candidate.matched = h.matched = true;
      h.result.baselineState = "updated";
      counts.updated++;
    } else {
      h.result.baselineState = "new";
      counts.new++;
    }
  }

  if (options.includeAbsent && baseRun) {
    for (const b of base) if (!b.matched) headResults.push(absent(b, baseRun, headRun, counts));
  }
}

function pair(b: Finding, h: Finding, counts: BaselineCounts): void {
  b.matched = h.matched = true;
  const sameMessage = b.result.message.text === h.result.message.text;
  h.result.baselineState = sameMessage ? "unchanged" : "updated";
  counts[sameMessage ? "unchanged" : "updated"]++;
}

function matchByDistance(
  bases: Finding[],
  heads: Finding[],
  anchors: [number, number][] | undefined,
  counts: BaselineCounts,
): void {
  if (bases.length * heads.length > MAX_PAIRS) {
    // Pathological repetition: pair in file order rather than compare every pair.
    bases.forEach((b, i) => {
      const h = heads[i];
      if (h) pair(b, h, counts);
    });
    return;
  }
  const candidates: { cost: number; b: Finding; h: Finding }[] = [];
  for (const b of bases) {
    const predicted = predict(b.line, anchors);
    for (const h of heads) candidates.push({ cost: Math.abs(predicted - h.line), b, h });
  }
  // Cheapest pairs first; ties keep file order so identical copies pair up in sequence.
  candidates.sort((x, y) => x.cost - y.cost || x.h.line - y.h.line || x.b.line - y.b.line);
  for (const { b, h } of candidates) if (!b.matched && !h.matched) pair(b, h, counts);
}

/** Where a base line is expected in the head: shifted as the nearest anchor above it moved. */
function predict(line: number, anchors: [number, number][] | undefined): number {
  if (!anchors?.length) return line;
  let lo = 0;
  let hi = anchors.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((anchors[mid] as [number, number])[0] <= line) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const [from, to] = anchors[found === -1 ? 0 : found] as [number, number];
  return line + (to - from);
}

function groupBy(findings: Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = `${f.path}\0${f.ruleId}\0${f.key}`;
    const group = groups.get(key);
    if (group) group.push(f);
    else groups.set(key, [f]);
  }
  for (const group of groups.values()) if (group.length > 1) group.sort((a, b) => a.line - b.line);
  return groups;
}

function toFinding(result: Sarif.Result, run: Sarif.Run, renames?: ReadonlyMap<string, string>): Finding {
  const location = result.locations?.[0]?.physicalLocation;
  const uri = location?.artifactLocation?.uri;
  let path = uri === undefined ? "" : decodePath(uri);
  path = renames?.get(path) ?? path;
  const snippet = location?.region?.snippet?.text;
  return {
    result,
    path,
    line: location?.region?.startLine ?? 0,
    ruleId:
      result.ruleId ??
      (result.ruleIndex !== undefined ? run.tool.driver.rules?.[result.ruleIndex]?.id : undefined) ??
      "",
    key:
      snippet !== undefined && snippet.trim() !== ""
        ? `c:${normalizeCode(snippet)}`
        : `m:${result.message.text ?? ""}`,
    matched: false,
  };
}

function absent(b: Finding, baseRun: Sarif.Run, headRun: Sarif.Run, counts: BaselineCounts): Sarif.Result {
  counts.absent++;
  const result: Sarif.Result = { ...b.result, baselineState: "absent" };
  const rule = b.result.ruleIndex !== undefined ? baseRun.tool.driver.rules?.[b.result.ruleIndex] : undefined;
  if (rule) {
    const rules = (headRun.tool.driver.rules ??= []);
    let index = rules.findIndex((r) => r.id === rule.id);
    if (index === -1) index = rules.push(rule) - 1;
    result.ruleIndex = index;
  }
  return result;
}
