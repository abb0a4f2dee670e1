import type * as Sarif from "sarif";
import { type FileFindings, type Finding, FindingIndex } from "./finding.ts";

export interface BaselineCounts {
  new: number;
  unchanged: number;
  updated: number;
  absent: number;
}

/** Above this many candidate pairs in one group, matching falls back to file order. */
const MAX_PAIRS = 250_000;

/**
 * Baselines every head run against the base run of its category (`findings` gives each run's
 * findings): sets `state` on every head finding, hands each base finding the head no longer
 * has to `onAbsent` when given, and sets `properties.secflow.mode` to "diff".
 */
export function baselineRuns(
  base: Sarif.Run[],
  head: Sarif.Run[],
  findings: { base: (run: number) => FindingIndex; head: (run: number) => FindingIndex },
  onAbsent?: (finding: Finding, baseRun: number, headRun: number) => void,
): BaselineCounts {
  const counts: BaselineCounts = { new: 0, unchanged: 0, updated: 0, absent: 0 };
  const byCategory = new Map<string, number>();
  base.forEach((run, j) => byCategory.set(runKey(run), j));
  head.forEach((run, i) => {
    const j = byCategory.get(runKey(run));
    const bases = j === undefined ? new FindingIndex() : findings.base(j);
    matchFindings(bases, findings.head(i), counts);
    if (onAbsent && j !== undefined) {
      for (const b of bases.all) {
        if (b.matched) continue;
        onAbsent(b, j, i);
        counts.absent++;
      }
    }
    markDiff(run);
  });
  return counts;
}

/** The category a run belongs to: base and head runs pair up by it. */
function runKey(run: Sarif.Run): string {
  return run.automationDetails?.id ?? `tool:${run.tool.driver.name}`;
}

/** Marks a run as compared against a base (`properties.secflow.mode`). */
function markDiff(run: Sarif.Run): void {
  const secflow: unknown = run.properties?.secflow;
  if (typeof secflow === "object" && secflow !== null) (secflow as { mode?: string }).mode = "diff";
}

/**
 * Sets `state` on every head finding and `matched` on the base findings it pairs with. Findings
 * match on rule, file and flagged code, never on line numbers alone, so code that moved stays
 * `unchanged`. Where one file repeats identical findings, lines are compared after correcting
 * for the shift measured at unambiguous neighbours, which tells the copy a pull request added
 * from the ones that were already there.
 */
function matchFindings(base: FindingIndex, head: FindingIndex, counts: BaselineCounts): void {
  for (const b of base.all) b.matched = false; // the base may have been matched with another run
  const none: FileFindings = { path: "", findings: [], groups: new Map() };
  for (const [path, file] of head.files) matchFile(base.files.get(path) ?? none, file, counts);
}

function matchFile(base: FileFindings, head: FileFindings, counts: BaselineCounts): void {
  // Pass 1: findings unique on both sides match outright and serve as anchors for line shifts.
  const anchors: [number, number][] = [];
  for (const [key, h] of head.groups) {
    const b = base.groups.get(key);
    if (b !== undefined && !Array.isArray(b) && !Array.isArray(h)) {
      pair(b, h, counts);
      anchors.push([b.line, h.line]);
    }
  }
  anchors.sort((a, b) => a[0] - b[0]);

  // Pass 2: repeated findings match by shift-corrected line distance.
  for (const [key, heads] of head.groups) {
    const bases = base.groups.get(key);
    if (bases !== undefined && (Array.isArray(bases) || Array.isArray(heads))) {
      matchByDistance(inLineOrder(bases), inLineOrder(heads), anchors, counts);
    }
  }

  // Pass 3: an unmatched head finding where an unmatched base finding of the same rule is
  // predicted to be is the same finding with other text (message or code edited): updated.
  const leftovers = new Map<string, Finding[]>();
  for (const b of base.findings) {
    if (b.matched) continue;
    const slot = `${b.ruleId}\0${predict(b.line, anchors)}`;
    const slotted = leftovers.get(slot);
    if (slotted) slotted.push(b);
    else leftovers.set(slot, [b]);
  }
  for (const h of head.findings) {
    if (h.matched) continue;
    const candidate = leftovers.get(`${h.ruleId}\0${h.line}`)?.find((b) => !b.matched);
    if (candidate) {
      candidate.matched = h.matched = true;
      h.state = "updated";
      counts.updated++;
    } else {
      h.state = "new";
      counts.new++;
    }
  }
}

function inLineOrder(group: Finding | Finding[]): Finding[] {
  return Array.isArray(group) ? group.sort((a, b) => a.line - b.line) : [group];
}

/** A base result the head no longer has, as a head result: its rule copied into the head run. */
export function absentResult(result: Sarif.Result, baseRun: Sarif.Run, headRun: Sarif.Run): Sarif.Result {
  const absent: Sarif.Result = { ...result, baselineState: "absent" };
  const rule = result.ruleIndex !== undefined ? baseRun.tool.driver.rules?.[result.ruleIndex] : undefined;
  if (rule) {
    const rules = (headRun.tool.driver.rules ??= []);
    let index = rules.findIndex((r) => r.id === rule.id);
    if (index === -1) index = rules.push(rule) - 1;
    absent.ruleIndex = index;
  }
  return absent;
}

function pair(b: Finding, h: Finding, counts: BaselineCounts): void {
  b.matched = h.matched = true;
  h.state = b.message === h.message ? "unchanged" : "updated";
  counts[h.state]++;
}

function matchByDistance(
  bases: Finding[],
  heads: Finding[],
  anchors: [number, number][],
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
function predict(line: number, anchors: [number, number][]): number {
  if (anchors.length === 0) return line;
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
