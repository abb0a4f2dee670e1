import type { CoverageRules, PairBy } from "./diff.ts";
import type { Grant, PolicySource } from "./grant.ts";

/** An owner of grants compared under its new name: a job renamed or moved, a role renamed. */
export interface ScopeRename {
  source: PolicySource;
  from: { subject: string; file: string };
  to: { subject: string; file: string };
}

interface Owner {
  /** One of its grants, for the source's rules. */
  first: Grant;
  source: PolicySource;
  scope: string;
  subject: string;
  file: string;
  ownerKey?: string;
  /** What it is allowed, without names or places: equal for owners that grant the same. */
  signature: string;
}

/**
 * Recognises owners (scopes) that are gone at head in owners that are new at head, by what the
 * source allows: the same subject in another file (a job moved to another workflow), the same
 * definition under another name (a job renamed), or exactly the same grants (a role renamed).
 * Their base grants are renamed to the head owner, so only what really changed is reported.
 * Each pairing is one to one; an ambiguous one is not made.
 */
export function pairScopes(
  base: readonly Grant[],
  head: readonly Grant[],
  rulesFor: (source: PolicySource) => CoverageRules,
): { grants: Grant[]; renamed: ScopeRename[] } {
  const baseOwners = owners(base);
  const headOwners = owners(head);
  const pairable = (o: Owner) => rulesFor(o.source).pairable?.(o.first) ?? false;
  const gone = [...baseOwners.entries()]
    .filter(([key, o]) => !headOwners.has(key) && pairable(o))
    .map(([, o]) => o);
  const fresh = [...headOwners.entries()]
    .filter(([key, o]) => !baseOwners.has(key) && pairable(o))
    .map(([, o]) => o);
  const pairs = new Map<string, Owner>();
  const taken = new Set<Owner>();
  for (const by of ["subject", "owner", "grants"] as const) {
    for (const from of gone) {
      if (pairs.has(keyOf(from)) || !rulesFor(from.source).pairScopesBy?.includes(by)) continue;
      const matches = (a: Owner, b: Owner) => a.source === b.source && same(a, b, by);
      const candidates = fresh.filter((to) => !taken.has(to) && matches(from, to));
      const rivals = gone.filter(
        (other) => !pairs.has(keyOf(other)) && candidates.some((c) => matches(other, c)),
      );
      // Identical grants pair in any order; a name or definition must be unambiguous.
      const to =
        by === "grants" || (candidates.length === 1 && rivals.length === 1) ? candidates[0] : undefined;
      if (!to) continue;
      pairs.set(keyOf(from), to);
      taken.add(to);
    }
  }
  const renamed: ScopeRename[] = [];
  for (const [key, to] of pairs) {
    const from = baseOwners.get(key) as Owner;
    renamed.push({
      source: from.source,
      from: { subject: from.subject, file: from.file },
      to: { subject: to.subject, file: to.file },
    });
  }
  const grants = base.map((g) => {
    const to = pairs.get(keyOf(g));
    return to ? { ...g, scope: to.scope, subject: to.subject } : g;
  });
  return { grants, renamed };
}

function same(a: Owner, b: Owner, by: PairBy): boolean {
  // Only owners with a definition (jobs) move by name; a workflow's triggers do not pair.
  if (by === "subject")
    return a.ownerKey !== undefined && b.ownerKey !== undefined && a.subject === b.subject;
  if (by === "owner") return a.ownerKey !== undefined && a.ownerKey === b.ownerKey;
  return a.signature === b.signature;
}

function keyOf(g: { source: string; scope: string }): string {
  return `${g.source}\0${g.scope}`;
}

function owners(grants: readonly Grant[]): Map<string, Owner> {
  const parts = new Map<string, { first: Grant; lines: Set<string> }>();
  for (const g of grants) {
    const key = keyOf(g);
    const entry = parts.get(key) ?? { first: g, lines: new Set<string>() };
    entry.lines.add([g.permission, g.resource, g.effect, g.detail ?? "", ...g.conditions].join("\u0001"));
    parts.set(key, entry);
  }
  const result = new Map<string, Owner>();
  for (const [key, { first, lines }] of parts) {
    result.set(key, {
      first,
      source: first.source,
      scope: first.scope,
      subject: first.subject,
      file: first.file,
      ...(first.ownerKey !== undefined ? { ownerKey: first.ownerKey } : {}),
      signature: [...lines].sort().join("\u0000"),
    });
  }
  return result;
}
