import type { Ecosystem } from "./model.ts";

const ECOSYSTEMS: readonly Ecosystem[] = ["npm", "PyPI", "Go", "crates.io", "Maven"];

/** The category segment of each ecosystem's run: secflow/sca/<slug>/. */
export function ecosystemSlug(ecosystem: Ecosystem): string {
  return ecosystem.toLowerCase();
}

/**
 * The name under which advisories list a package. PyPI names are compared normalized (PEP 503:
 * case-insensitive, runs of "-", "_" and "." are one "-"); the others are case-sensitive.
 */
export function normalizeName(ecosystem: Ecosystem | string, name: string): string {
  return ecosystem === "PyPI" ? name.toLowerCase().replace(/[-_.]+/g, "-") : name;
}

/** OSV ecosystem names as advisories and tools write them, to ours. */
export function parseEcosystem(name: string): Ecosystem | undefined {
  // "Maven:https://repo…" and "PyPI:…" carry a repository suffix; the ordering is the same.
  const base = name.split(":")[0]?.trim().toLowerCase();
  return ECOSYSTEMS.find((e) => e.toLowerCase() === base);
}
