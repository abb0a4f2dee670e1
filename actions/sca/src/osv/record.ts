import type { OsvRecord } from "./types.ts";

/**
 * Checks that a parsed JSON value has the shape of an OSV record, so a wrong file (a package.json
 * in the database folder, a truncated download) is named rather than read as "no advisories".
 * Returns the record, or a sentence saying what is wrong.
 */
export function asOsvRecord(value: unknown): OsvRecord | string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return `expected an OSV record (a JSON object), found ${Array.isArray(value) ? "an array" : typeof value}`;
  }
  const record = value as Record<string, unknown>;
  if (typeof record.id !== "string" || record.id === "") return `has no "id"; not an OSV record`;
  if (record.affected !== undefined && !Array.isArray(record.affected))
    return `${record.id}: "affected" must be a list`;
  for (const [i, affected] of ((record.affected as unknown[]) ?? []).entries()) {
    if (typeof affected !== "object" || affected === null)
      return `${record.id}: affected[${i}] must be an object`;
    const { ranges, versions } = affected as Record<string, unknown>;
    if (ranges !== undefined && !Array.isArray(ranges))
      return `${record.id}: affected[${i}].ranges must be a list`;
    if (versions !== undefined && !Array.isArray(versions))
      return `${record.id}: affected[${i}].versions must be a list`;
    for (const [j, range] of ((ranges as unknown[]) ?? []).entries()) {
      const events = (range as { events?: unknown } | null)?.events;
      if (!Array.isArray(events)) return `${record.id}: affected[${i}].ranges[${j}].events must be a list`;
    }
  }
  for (const key of ["aliases", "references", "severity"] as const) {
    if (record[key] !== undefined && !Array.isArray(record[key]))
      return `${record.id}: "${key}" must be a list`;
  }
  return record as unknown as OsvRecord;
}
