// Scanners give affected versions as constraints ("<4.17.21", ">= 1.0.0, < 1.2.6 || < 0.2.4") or
// only as fixed versions; both become OSV ranges so base versions can be matched the same way.

import semver from "semver";
import type { Ecosystem } from "../model.ts";
import type { OsvEvent, OsvRange } from "../osv/types.ts";
import { versionOrder } from "../versions/order.ts";

/** "<4.17.21" or ">=1.0.0 <1.2.6 || <0.2.4" (npm), ">= 1.0.0, < 1.2.6" (grype) → OSV ranges. */
export function rangesFromConstraint(constraint: string, ecosystem: Ecosystem): OsvRange[] | undefined {
  const order = versionOrder(ecosystem);
  const ranges: OsvRange[] = [];
  for (const alternative of alternatives(constraint, ecosystem) ?? []) {
    const comparators = alternative;
    if (comparators.length === 0) return undefined;
    let introduced = "0";
    const upper: OsvEvent[] = [];
    for (const [, op = "=", version = ""] of comparators) {
      if (!order.valid(version)) return undefined;
      if (op === ">=" && version === "0.0.0") continue;
      if (op === ">=" || op === ">")
        introduced = version; // ">" cannot be said in OSV; the bound itself is included
      else if (op === "<") upper.push({ fixed: version });
      else if (op === "<=") upper.push({ last_affected: version });
      else {
        introduced = version;
        upper.push({ last_affected: version });
      }
    }
    ranges.push({ type: "ECOSYSTEM", events: [{ introduced }, ...upper.slice(0, 1)] });
  }
  return ranges.length ? ranges : undefined;
}

type Comparator = [unknown, string, string];

/** Each "||" alternative as [_, operator, version] triples; npm ranges go through semver's own parser. */
function alternatives(constraint: string, ecosystem: Ecosystem): Comparator[][] | undefined {
  if (ecosystem === "npm") {
    let range: semver.Range;
    try {
      range = new semver.Range(constraint);
    } catch {
      return undefined;
    }
    return range.set.map((set) =>
      set.flatMap((c): Comparator[] =>
        c.value === "" ? [[0, ">=", "0.0.0"]] : [[0, c.operator || "=", c.semver.version]],
      ),
    );
  }
  return constraint
    .split("||")
    .map((alternative) =>
      [...alternative.matchAll(/(>=|<=|>|<|=)?\s*v?([0-9][^\s,|<>=]*)/g)].map(
        (m): Comparator => [0, m[1] ?? "=", m[2] ?? ""],
      ),
    );
}

/**
 * Only fixed versions known: the installed version is affected up to the smallest fix above it,
 * from the largest fix at or below it (or from the start). The range contains what the tool found.
 */
export function rangeAroundInstalled(
  installed: string,
  fixed: readonly string[],
  ecosystem: Ecosystem,
): OsvRange[] {
  const order = versionOrder(ecosystem);
  if (!order.valid(installed)) return [];
  const valid = fixed.filter((v) => order.valid(v)).sort(order.compare);
  const below = valid.filter((v) => order.compare(v, installed) <= 0).at(-1);
  const above = valid.find((v) => order.compare(v, installed) > 0);
  return [
    { type: "ECOSYSTEM", events: [{ introduced: below ?? "0" }, ...(above ? [{ fixed: above }] : [])] },
  ];
}

/** An OSV severity entry for a CVSS vector, by its version prefix. */
export function cvssEntry(vector: string | undefined): { type: string; score: string }[] {
  if (!vector) return [];
  if (vector.startsWith("CVSS:4.0/")) return [{ type: "CVSS_V4", score: vector }];
  if (vector.startsWith("CVSS:3")) return [{ type: "CVSS_V3", score: vector }];
  return [{ type: "CVSS_V2", score: vector }];
}
