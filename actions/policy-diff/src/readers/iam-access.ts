import data from "../generated/iam-access-levels.json" with { type: "json" };
import { wildcardCovers } from "../wildcard.ts";

/** AWS's access levels, from the least to the most powerful. */
const ACCESS_LEVELS = ["List", "Read", "Tagging", "Write", "Permissions management"] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/** Where the levels come from, as the generated file names it (package, version, date of the data). */
export const ACCESS_LEVEL_SOURCE: string = data.source;

/** service (lower case) → action (lower case) → access level; built on first use. */
let table: Map<string, Map<string, AccessLevel>> | undefined;

function levels(): Map<string, Map<string, AccessLevel>> {
  if (table) return table;
  table = new Map();
  for (const [service, byLevel] of Object.entries(data.services as Record<string, Record<string, string>>)) {
    const actions = new Map<string, AccessLevel>();
    for (const level of ACCESS_LEVELS) {
      for (const action of byLevel[level]?.split(" ") ?? []) actions.set(action.toLowerCase(), level);
    }
    table.set(service, actions);
  }
  return table;
}

/**
 * The access levels of every known action an action pattern covers (`s3:Get*`, `iam:PassRole`,
 * `*`), as the AWS Service Authorization Reference gives them. Empty when the pattern covers no
 * action in the data (an unknown service, or an action newer than the data).
 */
export function accessLevelsOf(pattern: string): ReadonlySet<AccessLevel> {
  const lower = pattern.toLowerCase();
  let found = seen.get(lower);
  if (!found) {
    found = lookUp(lower);
    seen.set(lower, found);
  }
  return found;
}

/** Patterns already looked up: a policy repeats them, and a wildcard walks a whole service. */
const seen = new Map<string, Set<AccessLevel>>();

function lookUp(lower: string): Set<AccessLevel> {
  const found = new Set<AccessLevel>();
  const colon = lower.indexOf(":");
  const [servicePart, actionPart] =
    colon === -1 ? [lower, "*"] : [lower.slice(0, colon), lower.slice(colon + 1)];
  const wild = (s: string) => s.includes("*") || s.includes("?");
  for (const [service, actions] of levels()) {
    if (!(wild(servicePart) ? wildcardCovers(servicePart, service) : servicePart === service)) continue;
    if (!wild(actionPart)) {
      const level = actions.get(actionPart);
      if (level) found.add(level);
      continue;
    }
    for (const [action, level] of actions) if (wildcardCovers(actionPart, action)) found.add(level);
    if (found.size === ACCESS_LEVELS.length) break;
  }
  return found;
}

/** The most powerful of some access levels. */
export function strongestLevel(found: Iterable<AccessLevel>): AccessLevel | undefined {
  let strongest: AccessLevel | undefined;
  for (const level of found) {
    if (strongest === undefined || ACCESS_LEVELS.indexOf(level) > ACCESS_LEVELS.indexOf(strongest))
      strongest = level;
  }
  return strongest;
}
