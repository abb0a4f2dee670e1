import type { OsvRecord } from "./types.ts";

/**
 * Groups advisories that describe one vulnerability (GHSA-x and PYSEC-y sharing CVE-z), so a
 * package gets one finding per vulnerability. Each group's first record names it: a GHSA id
 * (reviewed, with CVSS and CWE) before a CVE before any other, then alphabetically.
 */
export function groupByAlias(records: readonly OsvRecord[]): OsvRecord[][] {
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root) ?? root;
    parent.set(id, root);
    return root;
  };
  const union = (a: string, b: string) => {
    for (const id of [a, b]) if (!parent.has(id)) parent.set(id, id);
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) parent.set(ra, rb);
  };
  for (const record of records) {
    union(record.id, record.id);
    for (const alias of record.aliases ?? []) union(record.id, alias);
  }
  const groups = new Map<string, OsvRecord[]>();
  const seen = new Set<string>();
  for (const record of records) {
    if (seen.has(record.id)) continue; // the same advisory from two sources
    seen.add(record.id);
    const root = find(record.id);
    const group = groups.get(root);
    if (group) group.push(record);
    else groups.set(root, [record]);
  }
  return [...groups.values()].map((group) => group.sort(byPreference));
}

function byPreference(a: OsvRecord, b: OsvRecord): number {
  return rank(a.id) - rank(b.id) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function rank(id: string): number {
  if (id.startsWith("GHSA-")) return 0;
  if (id.startsWith("CVE-")) return 1;
  return 2;
}

/** The record's id, the other records' ids and every alias, without repeats, named id first. */
export function allIds(group: readonly OsvRecord[]): string[] {
  const ids = new Set<string>();
  for (const record of group) ids.add(record.id);
  for (const record of group) for (const alias of record.aliases ?? []) ids.add(alias);
  return [...ids];
}
