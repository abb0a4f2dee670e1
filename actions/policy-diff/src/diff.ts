import type { ChangeKind } from "@secflow/contracts";
import { type Grant, grantKey, type PolicySource } from "./grant.ts";
import { pairScopes, type ScopeRename } from "./scope-pairs.ts";

export type { ChangeKind } from "@secflow/contracts";
export type { ScopeRename } from "./scope-pairs.ts";

/** How a scope that is gone is recognised in one that is new (see scope-pairs.ts). */
export type PairBy = "subject" | "owner" | "grants";

/** How one source compares its grants. Scope, effect and conditions are compared by the diff. */
export interface CoverageRules {
  /** `a` allows at least everything `b` allows (subject, permission and resource). */
  covers(a: Grant, b: Grant): boolean;
  /** The same privilege at another breadth; default: one covers the other. */
  related?(a: Grant, b: Grant): boolean;
  /** The conditions of `a` allow at least what those of `b` allow; default: `a`'s are among `b`'s. */
  conditionsCover?(a: Grant, b: Grant): boolean;
  /** How a renamed or moved owner (a job, a role) is recognised; default: it is not. */
  pairScopesBy?: readonly PairBy[];
  /** Which owners may be recognised under another name (jobs, roles; never a bound subject). */
  pairable?(grant: Grant): boolean;
  /**
   * Whether a grant gone from one scope and the same grant new in another only moved (a
   * statement moved to another file, a policy split). `reorganised`: one of the two files was
   * added or deleted by the change. Default: never.
   */
  movable?(base: Grant, head: Grant, reorganised: boolean): boolean;
}

export interface GrantChange {
  kind: ChangeKind;
  /** The grant that changed: the head grant when added or widened, else the base grant. */
  grant: Grant;
  /** Where a reviewer looks: the head line, or the base line for a removal. */
  location: { file: string; line: number; side: "head" | "base" };
  /** The other side's related grants: what a widened grant was, what a narrowed one became. */
  counterparts: Grant[];
}

/** A grant that moved from one file to another, unchanged. */
export interface GrantMove {
  grant: Grant;
  from: { file: string; line: number };
}

export interface GrantDiff {
  changes: GrantChange[];
  /** Grants that only moved: no change, listed in the notes. */
  moves: GrantMove[];
  /** Owners compared under their new name: a job renamed or moved, a role renamed. */
  renamed: ScopeRename[];
}

export interface DiffOptions {
  /** Whether a file was added or deleted between the commits (base path mapped to head). */
  reorganised?: (baseFile: string, headFile: string) => boolean;
}

/**
 * Compares grants by meaning, not text: a head grant that some base grant covers is no change,
 * whatever file or line it moved to. What is left is added (nothing related in base), widened
 * (a related base grant was narrower), and on the base side narrowed or removed. An owner that
 * was renamed or moved is compared under its new name, and a grant that only moved to another
 * file of the same subject is no change.
 */
export function diffGrants(
  base: readonly Grant[],
  head: readonly Grant[],
  rulesFor: (source: PolicySource) => CoverageRules,
  options: DiffOptions = {},
): GrantDiff {
  const { grants: paired, renamed } = pairScopes(base, head, rulesFor);
  const changes: GrantChange[] = [];
  const baseBuckets = bucket(paired);
  const headBuckets = bucket(head);
  for (const key of new Set([...baseBuckets.keys(), ...headBuckets.keys()])) {
    const b = baseBuckets.get(key) ?? [];
    const h = headBuckets.get(key) ?? [];
    const source = (b[0] ?? h[0])?.source as PolicySource;
    changes.push(...diffBucket(b, h, rulesFor(source)));
  }
  const moves = cancelMoves(changes, rulesFor, options.reorganised ?? (() => false));
  return { changes: changes.filter((c) => !moves.cancelled.has(c)), moves: moves.moves, renamed };
}

function diffBucket(base: Grant[], head: Grant[], rules: CoverageRules): GrantChange[] {
  const conditionsCover =
    rules.conditionsCover ?? ((a: Grant, b: Grant) => conditionsSubset(a.conditions, b.conditions));
  const covers = (a: Grant, b: Grant) => conditionsCover(a, b) && rules.covers(a, b);
  const related = rules.related ?? ((a: Grant, b: Grant) => rules.covers(a, b) || rules.covers(b, a));
  // Most grants are unchanged: an identical grant on the other side covers without a search.
  const baseKeys = new Set(base.map(grantKey));
  const headKeys = new Set(head.map(grantKey));
  const uncoveredHead = head.filter((h) => !baseKeys.has(grantKey(h)) && !base.some((b) => covers(b, h)));
  const uncoveredBase = new Set(
    base.filter((b) => !headKeys.has(grantKey(b)) && !head.some((h) => covers(h, b))),
  );
  const changes: GrantChange[] = [];
  for (const h of uncoveredHead) {
    const before = base.filter((b) => related(b, h));
    // A related base grant that head no longer covers was replaced by this one: one change, not two.
    for (const b of before) uncoveredBase.delete(b);
    changes.push({
      kind: before.length ? "widened" : "added",
      grant: h,
      location: at(h, "head"),
      counterparts: before,
    });
  }
  for (const b of uncoveredBase) {
    const after = head.filter((h) => related(h, b));
    const first = after[0];
    changes.push(
      first
        ? { kind: "narrowed", grant: b, location: at(first, "head"), counterparts: after }
        : { kind: "removed", grant: b, location: at(b, "base"), counterparts: [] },
    );
  }
  return changes;
}

/**
 * An added grant and a removed one that are the same grant of the same subject in two scopes
 * (files) moved, when the source says such a move keeps its meaning: both are dropped.
 */
function cancelMoves(
  changes: readonly GrantChange[],
  rulesFor: (source: PolicySource) => CoverageRules,
  reorganised: (baseFile: string, headFile: string) => boolean,
): { moves: GrantMove[]; cancelled: Set<GrantChange> } {
  const identity = (g: Grant) => grantKey({ ...g, scope: "" });
  const removed = new Map<string, GrantChange[]>();
  for (const c of changes) {
    if (c.kind !== "removed") continue;
    const list = removed.get(identity(c.grant)) ?? [];
    list.push(c);
    removed.set(identity(c.grant), list);
  }
  const moves: GrantMove[] = [];
  const cancelled = new Set<GrantChange>();
  for (const c of changes) {
    if (c.kind !== "added") continue;
    const rules = rulesFor(c.grant.source);
    if (!rules.movable) continue;
    const candidates = removed.get(identity(c.grant)) ?? [];
    const gone = candidates.find(
      (r) =>
        !cancelled.has(r) &&
        r.grant.scope !== c.grant.scope &&
        rules.movable?.(r.grant, c.grant, reorganised(r.grant.file, c.grant.file)),
    );
    if (!gone) continue;
    cancelled.add(gone).add(c);
    moves.push({ grant: c.grant, from: { file: gone.grant.file, line: gone.grant.line } });
  }
  return { moves, cancelled };
}

function at(grant: Grant, side: "head" | "base") {
  return { file: grant.file, line: grant.line, side };
}

/** Fewer conditions allow more: `a` covers `b` only if every condition of `a` also limits `b`. */
function conditionsSubset(a: readonly string[], b: readonly string[]): boolean {
  return a.every((condition) => b.includes(condition));
}

/** Grants by source, scope and effect, each written once (the first occurrence in file order). */
function bucket(grants: readonly Grant[]): Map<string, Grant[]> {
  const ordered = [...grants].sort((x, y) => (x.file < y.file ? -1 : x.file > y.file ? 1 : x.line - y.line));
  const seen = new Set<string>();
  const buckets = new Map<string, Grant[]>();
  for (const grant of ordered) {
    const key = grantKey(grant);
    if (seen.has(key)) continue;
    seen.add(key);
    const bucketKey = `${grant.source}\0${grant.scope}\0${grant.effect}`;
    const list = buckets.get(bucketKey);
    if (list) list.push(grant);
    else buckets.set(bucketKey, [grant]);
  }
  return buckets;
}
