// The team's waivers (`waivers:` in secflow.yml), with one meaning in every action: a waiver
// names a rule, a fingerprint and/or an advisory, optionally narrowed to a path glob; every part
// it names must match; it applies through its expiry day (UTC) and then stops, and says so.

import { decodePath, FINGERPRINT_KEY, fingerprintHash, type Sarif } from "@secflow/sarif";
import { activeWaivers } from "./config.ts";
import type { Waiver } from "./config-types.ts";
import { advisoriesOf } from "./findings.ts";
import { matcher } from "./globs.ts";

/** What a waiver can name: a finding, or a privilege change (rule and file only). */
export interface WaiverTarget {
  ruleId: string;
  path: string;
  fingerprint?: string;
  advisories?: readonly string[];
}

export interface WaiverUse {
  waiver: Waiver;
  /** Position in the configuration's `waivers` list, so people can find it. */
  index: number;
  /** What it covered (or would have, had it not expired). */
  what: string;
}

/**
 * The waivers, split into those in force and those expired. Every use is recorded, and so is
 * every finding an expired waiver would still have covered, so a summary can say why that
 * finding counts again.
 */
export class WaiverBook {
  readonly applied: WaiverUse[] = [];
  readonly expiredHits: WaiverUse[] = [];
  private readonly active: { waiver: Waiver; index: number }[];
  private readonly expired: { waiver: Waiver; index: number }[];

  constructor(
    readonly waivers: readonly Waiver[],
    now: Date = new Date(),
  ) {
    const indexed = waivers.map((waiver, index) => ({ waiver, index, expires: waiver.expires }));
    const split = activeWaivers(indexed, now);
    this.active = split.active;
    this.expired = split.expired;
  }

  /** The waiver in force that covers the target, if any. */
  cover(target: WaiverTarget, what: string): Waiver | undefined {
    const hit = this.active.find((w) => waiverMatches(w.waiver, target));
    if (hit) {
      this.applied.push({ waiver: hit.waiver, index: hit.index, what });
      return hit.waiver;
    }
    const stale = this.expired.find((w) => waiverMatches(w.waiver, target));
    if (stale) this.expiredHits.push({ waiver: stale.waiver, index: stale.index, what });
    return undefined;
  }

  expiredWaivers(): WaiverUse[] {
    return this.expired.map(({ waiver, index }) => ({ waiver, index, what: describeWaiver(waiver) }));
  }

  /** Expired waivers that matched nothing in this run: candidates for removal. */
  expiredUnused(): WaiverUse[] {
    const hit = new Set(this.expiredHits.map((u) => u.index));
    return this.expiredWaivers().filter((u) => !hit.has(u.index));
  }
}

/** Every part the waiver names must match. */
export function waiverMatches(waiver: Waiver, target: WaiverTarget): boolean {
  if (waiver.rule !== undefined && waiver.rule !== target.ruleId) return false;
  if (waiver.fingerprint !== undefined) {
    const fp = target.fingerprint;
    // A waiver may name the whole fingerprint or only its hash (every occurrence of that code).
    if (fp === undefined || (waiver.fingerprint !== fp && waiver.fingerprint !== fingerprintHash(fp)))
      return false;
  }
  if (waiver.advisory !== undefined) {
    const wanted = waiver.advisory.toLowerCase();
    if (!(target.advisories ?? []).some((a) => a.toLowerCase() === wanted)) return false;
  }
  if (waiver.path !== undefined && !matcher([waiver.path])(target.path)) return false;
  return true;
}

/** A SARIF result as a waiver sees it. */
export function waiverTarget(result: Sarif.Result): WaiverTarget {
  const uri = result.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? "";
  const fingerprint = result.partialFingerprints?.[FINGERPRINT_KEY];
  return {
    ruleId: result.ruleId ?? "",
    path: decodePath(uri),
    ...(fingerprint ? { fingerprint } : {}),
    advisories: advisoriesOf(result),
  };
}

/**
 * Marks the results a waiver in force covers as suppressed (`external`, accepted), with the
 * reason, approver and expiry; returns the book, which records what applied and what expired.
 */
export function applyWaivers(log: Sarif.Log, waivers: readonly Waiver[], now: Date = new Date()): WaiverBook {
  const book = new WaiverBook(waivers, now);
  for (const run of log.runs) {
    for (const result of run.results ?? []) {
      const target = waiverTarget(result);
      const waiver = book.cover(target, `${target.ruleId} at ${target.path}`);
      if (waiver) result.suppressions = [...(result.suppressions ?? []), suppressionFor(waiver)];
    }
  }
  return book;
}

function suppressionFor(waiver: Waiver): Sarif.Suppression {
  return {
    kind: "external",
    status: "accepted",
    justification: `${waiver.reason} (approved by ${waiver.approver}, expires ${waiver.expires})`,
    properties: { secflow: { approver: waiver.approver, expires: waiver.expires } },
  };
}

/** "rule X, advisory Y in path/**" — how people recognise a waiver. */
export function describeWaiver(waiver: Waiver): string {
  const parts = [
    waiver.rule !== undefined ? `rule ${waiver.rule}` : undefined,
    waiver.advisory !== undefined ? `advisory ${waiver.advisory}` : undefined,
    waiver.fingerprint !== undefined ? `fingerprint ${waiver.fingerprint}` : undefined,
  ].filter(Boolean);
  return `${parts.join(", ")}${waiver.path !== undefined ? ` in ${waiver.path}` : ""}`;
}

/** Says what the waivers did: loudly when an expired one lets a finding count again. */
export function logWaivers(book: WaiverBook, io: { info(m: string): void; warning(m: string): void }): void {
  if (book.applied.length) io.info(`${book.applied.length} finding(s) waived in secflow.yml.`);
  const hits = new Map<number, { use: WaiverUse; findings: number }>();
  for (const use of book.expiredHits) {
    const entry = hits.get(use.index) ?? { use, findings: 0 };
    entry.findings++;
    hits.set(use.index, entry);
  }
  for (const { use, findings } of hits.values()) {
    io.warning(
      `Waiver ${use.index + 1} (${describeWaiver(use.waiver)}) expired on ${use.waiver.expires}; its ${findings} finding(s) are reported again.`,
    );
  }
  for (const use of book.expiredUnused()) {
    io.info(
      `Waiver ${use.index + 1} (${describeWaiver(use.waiver)}) expired on ${use.waiver.expires} and matches no finding; it can be removed.`,
    );
  }
}
