import type * as Sarif from "sarif";
import { FindingTable, MATCHED, NEW, UNCHANGED, UNMATCHED, UPDATED } from "./finding.ts";

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
 * findings): sets the state of every head finding, hands the result index of each base finding
 * the head no longer has to `onAbsent` when given, and sets `properties.secflow.mode` to "diff".
 */
export function baselineRuns(
  base: Sarif.Run[],
  head: Sarif.Run[],
  findings: { base: (run: number) => FindingTable; head: (run: number) => FindingTable },
  onAbsent?: (resultIndex: number, baseRun: number, headRun: number) => void,
): BaselineCounts {
  const counts: BaselineCounts = { new: 0, unchanged: 0, updated: 0, absent: 0 };
  const byCategory = new Map<string, number>();
  base.forEach((run, j) => byCategory.set(runKey(run), j));
  head.forEach((run, i) => {
    const j = byCategory.get(runKey(run));
    const bases = j === undefined ? new FindingTable() : findings.base(j);
    matchFindings(bases, findings.head(i), counts);
    if (onAbsent && j !== undefined) {
      for (let b = 0; b < bases.size; b++) {
        if (bases.state[b] !== UNMATCHED) continue;
        onAbsent(bases.index[b] as number, j, i);
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

/** One side of a file being matched: its table, and its rows from `from` to `to` in `order`. */
interface Side {
  table: FindingTable;
  order: Int32Array;
  from: number;
  to: number;
}

/**
 * Rows sorted by file, then identity, then line, then log order, with where each file's rows
 * start: each file, and each group of identical findings in it, is one stretch of the order.
 */
function fileOrder(table: FindingTable): { order: Int32Array; starts: Int32Array } {
  const { file, key, line } = table;
  const order = new Int32Array(table.size);
  for (let row = 0; row < order.length; row++) order[row] = row;
  order.sort(
    (a, b) =>
      (file[a] as number) - (file[b] as number) ||
      (key[a] as number) - (key[b] as number) ||
      (line[a] as number) - (line[b] as number) ||
      a - b,
  );
  const starts = new Int32Array(table.paths.length + 1);
  for (let row = 0; row < table.size; row++) {
    const next = (file[row] as number) + 1;
    starts[next] = (starts[next] as number) + 1;
  }
  for (let f = 1; f < starts.length; f++) starts[f] = (starts[f] as number) + (starts[f - 1] as number);
  return { order, starts };
}

/**
 * Sets the state of every head finding, and marks the base findings it pairs with. Findings
 * match on rule, file and flagged code, never on line numbers alone, so code that moved stays
 * `unchanged`. Where one file repeats identical findings, lines are compared after correcting
 * for the shift measured at unambiguous neighbours, which tells the copy a pull request added
 * from the ones that were already there.
 */
function matchFindings(base: FindingTable, head: FindingTable, counts: BaselineCounts): void {
  base.state.fill(UNMATCHED, 0, base.size); // the base may have been matched with another run
  const b = fileOrder(base);
  const h = fileOrder(head);
  head.paths.forEach((path, f) => {
    const g = base.fileOf(path);
    matchFile(
      {
        table: base,
        order: b.order,
        from: g === undefined ? 0 : (b.starts[g] as number),
        to: g === undefined ? 0 : (b.starts[g + 1] as number),
      },
      { table: head, order: h.order, from: h.starts[f] as number, to: h.starts[f + 1] as number },
      counts,
    );
  });
}

function matchFile(base: Side, head: Side, counts: BaselineCounts): void {
  const [bt, ht] = [base.table, head.table];
  // Pass 1: findings unique on both sides match outright and serve as anchors for line shifts;
  // repeated ones wait for pass 2. Both sides are in identity order, so one walk pairs groups.
  const anchors: Anchor[] = [];
  const repeated: [Finding[], Finding[]][] = [];
  let i = base.from;
  for (let hs = head.from; hs < head.to; ) {
    const key = ht.key[head.order[hs] as number] as number;
    let he = hs + 1;
    while (he < head.to && ht.key[head.order[he] as number] === key) he++;
    while (i < base.to && (bt.key[base.order[i] as number] as number) < key) i++;
    let be = i;
    while (be < base.to && bt.key[base.order[be] as number] === key) be++;
    if (be - i === 1 && he - hs === 1) {
      const [bRow, hRow] = [base.order[i] as number, head.order[hs] as number];
      pair(bt, bRow, ht, hRow, counts);
      anchors.push([bt.line[bRow] as number, ht.line[hRow] as number, hRow]);
    } else if (be > i) {
      repeated.push([rowsOf(base, i, be), rowsOf(head, hs, he)]);
    }
    i = be;
    hs = he;
  }
  // Ties on the base line keep the head's log order, as anchors were first found in.
  anchors.sort((x, y) => x[0] - y[0] || x[2] - y[2]);

  // Pass 2: repeated findings match by shift-corrected line distance.
  for (const [bases, heads] of repeated) matchByDistance(bt, bases, ht, heads, anchors, counts);

  // Pass 3: an unmatched head finding where an unmatched base finding of the same rule is
  // predicted to be is the same finding with other text (message or code edited): updated.
  const leftovers = new Map<string, Finding[]>();
  for (const b of inLogOrder(base)) {
    if (bt.state[b] !== UNMATCHED) continue;
    const slot = `${bt.ruleIds[bt.rule[b] as number]}\0${predict(bt.line[b] as number, anchors)}`;
    const slotted = leftovers.get(slot);
    if (slotted) slotted.push(b);
    else leftovers.set(slot, [b]);
  }
  for (const h of inLogOrder(head)) {
    if (ht.state[h] !== UNMATCHED) continue;
    const slot = `${ht.ruleIds[ht.rule[h] as number]}\0${ht.line[h]}`;
    const candidate = leftovers.get(slot)?.find((b) => bt.state[b] === UNMATCHED);
    if (candidate !== undefined) {
      bt.state[candidate] = MATCHED;
      ht.state[h] = UPDATED;
      counts.updated++;
    } else {
      ht.state[h] = NEW;
      counts.new++;
    }
  }
}

/** A row of a finding table. */
type Finding = number;
/** A base line, the head line its finding moved to, and the head row (for stable ties). */
type Anchor = [number, number, number];

function rowsOf(side: Side, from: number, to: number): Finding[] {
  return Array.from(side.order.subarray(from, to));
}

function inLogOrder(side: Side): Int32Array {
  return side.order.slice(side.from, side.to).sort();
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

function pair(bt: FindingTable, b: Finding, ht: FindingTable, h: Finding, counts: BaselineCounts): void {
  bt.state[b] = MATCHED;
  if (bt.message[b] === ht.message[h]) {
    ht.state[h] = UNCHANGED;
    counts.unchanged++;
  } else {
    ht.state[h] = UPDATED;
    counts.updated++;
  }
}

/** `bases` and `heads` are in line order (then log order). */
function matchByDistance(
  bt: FindingTable,
  bases: Finding[],
  ht: FindingTable,
  heads: Finding[],
  anchors: Anchor[],
  counts: BaselineCounts,
): void {
  if (bases.length * heads.length > MAX_PAIRS) {
    // Pathological repetition: pair in file order rather than compare every pair.
    bases.forEach((b, i) => {
      const h = heads[i];
      if (h !== undefined) pair(bt, b, ht, h, counts);
    });
    return;
  }
  const candidates: { cost: number; b: Finding; h: Finding }[] = [];
  for (const b of bases) {
    const predicted = predict(bt.line[b] as number, anchors);
    for (const h of heads) candidates.push({ cost: Math.abs(predicted - (ht.line[h] as number)), b, h });
  }
  // Cheapest pairs first; ties keep file order so identical copies pair up in sequence.
  const [bLine, hLine] = [bt.line, ht.line];
  candidates.sort(
    (x, y) =>
      x.cost - y.cost ||
      (hLine[x.h] as number) - (hLine[y.h] as number) ||
      (bLine[x.b] as number) - (bLine[y.b] as number),
  );
  for (const { b, h } of candidates) {
    if (bt.state[b] === UNMATCHED && ht.state[h] === UNMATCHED) pair(bt, b, ht, h, counts);
  }
}

/** Where a base line is expected in the head: shifted as the nearest anchor above it moved. */
function predict(line: number, anchors: Anchor[]): number {
  if (anchors.length === 0) return line;
  let lo = 0;
  let hi = anchors.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((anchors[mid] as Anchor)[0] <= line) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const [from, to] = anchors[found === -1 ? 0 : found] as Anchor;
  return line + (to - from);
}
