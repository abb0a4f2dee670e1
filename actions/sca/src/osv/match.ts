// Whether a version is affected, exactly as the OSV schema's evaluation pseudocode says
// (https://ossf.github.io/osv-schema/#evaluation): enumerated versions, then each range's events
// sorted in the ecosystem's order, introduced / fixed / last_affected, and limit events.

import { normalizeName } from "../ecosystems.ts";
import type { Ecosystem } from "../model.ts";
import { goSemver, type VersionOrder, versionOrder } from "../versions/order.ts";
import type { OsvAffected, OsvEvent, OsvRange, OsvRecord } from "./types.ts";

/** A range that cannot be evaluated: the advisory is malformed. The message names the problem. */
export class InvalidRangeError extends Error {
  override readonly name = "InvalidRangeError";
}

/** The affected entries of a record that name this package. */
export function affectedEntries(record: OsvRecord, ecosystem: Ecosystem, name: string): OsvAffected[] {
  const wanted = normalizeName(ecosystem, name);
  return (record.affected ?? []).filter((a) => {
    const pkg = a.package;
    if (!pkg) return false;
    return ecosystemMatches(pkg.ecosystem, ecosystem) && normalizeName(ecosystem, pkg.name) === wanted;
  });
}

function ecosystemMatches(recorded: string, ecosystem: Ecosystem): boolean {
  // "Maven:https://repo.example" and the like share the ecosystem's ordering.
  return (recorded.split(":")[0] ?? "") === ecosystem;
}

/**
 * Whether the version is affected by the record for that package. Throws InvalidRangeError when
 * a range that could decide it cannot be read, so the caller reports the package as unchecked.
 */
export function isAffected(record: OsvRecord, ecosystem: Ecosystem, name: string, version: string): boolean {
  if (record.withdrawn) return false;
  for (const affected of affectedEntries(record, ecosystem, name)) {
    if (affectsVersion(affected, ecosystem, version, record.id)) return true;
  }
  return false;
}

function affectsVersion(affected: OsvAffected, ecosystem: Ecosystem, version: string, id: string): boolean {
  const plain = ecosystem === "Go" ? goSemver(version) : version;
  if ((affected.versions ?? []).some((v) => v === version || v === plain)) return true;
  for (const range of affected.ranges ?? []) {
    const order = orderOf(range, ecosystem);
    if (!order) continue; // GIT ranges need the repository; the versions list covers them
    if (inRange(range, order, plain, id)) return true;
  }
  return false;
}

export function orderOf(range: OsvRange, ecosystem: Ecosystem): VersionOrder | undefined {
  if (range.type === "SEMVER") return ecosystem === "Go" ? versionOrder("Go") : versionOrder("npm");
  if (range.type === "ECOSYSTEM") return versionOrder(ecosystem);
  return undefined;
}

interface Event {
  kind: "introduced" | "fixed" | "last_affected";
  version: string;
  /** introduced "0": before every version. */
  zero: boolean;
}

function inRange(range: OsvRange, order: VersionOrder, version: string, id: string): boolean {
  if (!order.valid(version)) {
    throw new InvalidRangeError(`"${version}" is not a version this ecosystem can order`);
  }
  const { events, limits } = readEvents(range, order, id);
  // No limit means an implicit "*"; a version must be below at least one limit.
  if (
    limits.length > 0 &&
    !limits.some((limit) => limit.includes("*") || order.compare(version, limit) < 0)
  ) {
    return false;
  }
  let vulnerable = false;
  for (const event of events) {
    if (event.kind === "introduced") {
      if (event.zero || order.compare(version, event.version) >= 0) vulnerable = true;
    } else if (event.kind === "fixed") {
      if (order.compare(version, event.version) >= 0) vulnerable = false;
    } else if (order.compare(version, event.version) > 0) {
      vulnerable = false;
    }
  }
  return vulnerable;
}

/** A range's events, checked and sorted by version ("0" first), and its limits. */
export function readEvents(
  range: OsvRange,
  order: VersionOrder,
  id: string,
): { events: Event[]; limits: string[] } {
  const events: Event[] = [];
  const limits: string[] = [];
  for (const event of range.events) {
    const entries = Object.entries(event as OsvEvent).filter(([key]) => KINDS.has(key));
    if (entries.length !== 1) {
      throw new InvalidRangeError(
        `${id}: a range event must have exactly one of introduced, fixed, last_affected, limit`,
      );
    }
    const [kind, version] = entries[0] as [Event["kind"] | "limit", unknown];
    if (typeof version !== "string" || version === "") {
      throw new InvalidRangeError(`${id}: ${kind} must be a version string`);
    }
    if (kind === "limit") {
      if (!version.includes("*") && !order.valid(version)) {
        throw new InvalidRangeError(`${id}: limit "${version}" is not a valid version`);
      }
      limits.push(version);
      continue;
    }
    const zero = kind === "introduced" && version === "0";
    if (!zero && !order.valid(version))
      throw new InvalidRangeError(`${id}: ${kind} "${version}" is not a valid version`);
    events.push({ kind, version, zero });
  }
  if (!events.some((e) => e.kind === "introduced")) {
    throw new InvalidRangeError(`${id}: a range has no "introduced" event`);
  }
  // At one version an introduced event sorts first, so [introduced X, fixed X] affects nothing.
  events.sort((a, b) => {
    if (a.zero || b.zero) return a.zero === b.zero ? 0 : a.zero ? -1 : 1;
    return order.compare(a.version, b.version) || rank(a) - rank(b);
  });
  return { events, limits };
}

function rank(event: Event): number {
  return event.kind === "introduced" ? 0 : 1;
}

const KINDS = new Set(["introduced", "fixed", "last_affected", "limit"]);
