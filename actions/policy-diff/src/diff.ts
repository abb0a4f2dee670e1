import type { ChangeKind } from "@secflow/contracts";
import { type Grant, grantKey, type PolicySource } from "./grant.ts";

export type { ChangeKind } from "@secflow/contracts";

/** How one source compares its grants. Scope, effect and conditions are compared by the diff. */
export interface CoverageRules {
  /** `a` allows at least everything `b` allows (subject, permission and resource). */
  covers(a: Grant, b: Grant): boolean;
  /** The same privilege at another breadth; default: one covers the other. */
  related?(a: Grant, b: Grant): boolean;
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

/**
 * Compares grants by meaning, not text: a head grant that some base grant covers is no change,
 * whatever file or line it moved to. What is left is added (nothing related in base), widened
 * (a related base grant was narrower), and on the base side narrowed or removed.
 */
export function diffGrants(
  base: readonly Grant[],
  head: readonly Grant[],
  rulesFor: (source: PolicySource) => CoverageRules,
): GrantChange[] {
  const changes: GrantChange[] = [];
  const baseBuckets = bucket(base);
  const headBuckets = bucket(head);
  for (const key of new Set([...baseBuckets.keys(), ...headBuckets.keys()])) {
    const b = baseBuckets.get(key) ?? [];
    const h = headBuckets.get(key) ?? [];
    const source = (b[0] ?? h[0])?.source as PolicySource;
    changes.push(...diffBucket(b, h, rulesFor(source)));
  }
  return changes;
}

function diffBucket(base: Grant[], head: Grant[], rules: CoverageRules): GrantChange[] {
  const covers = (a: Grant, b: Grant) => conditionsSubset(a.conditions, b.conditions) && rules.covers(a, b);
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
