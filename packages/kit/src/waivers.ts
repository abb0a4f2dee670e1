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

/** A waiver that matched but does not apply, and why. */
export interface RefusedUse extends WaiverUse {
  why: string;
}

export interface WaiverLimits {
  /**
   * Longest a waiver may run, in days from today (the gate's `waiver-max-days`): one that expires
   * later never applies. Unset: no limit.
   */
  maxDays?: number;
}

export interface CoverOptions {
  /**
   * A policy change or a critical finding: only a waiver that names a path or a fingerprint
   * covers it, so one rule-only waiver cannot silence every future instance.
   */
  narrow: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The waivers, split into those in force, those expired and those refused by the limits. Every
 * use is recorded: applied, expired (so a summary can say why a finding counts again) and
 * refused (and why).
 */
export class WaiverBook {
  readonly applied: WaiverUse[] = [];
  readonly expiredHits: WaiverUse[] = [];
  readonly refusedHits: RefusedUse[] = [];
  private readonly active: { waiver: Waiver; index: number }[] = [];
  private readonly expired: { waiver: Waiver; index: number }[];
  /** Waivers that never apply in this run, by index: they run too long. */
  private readonly tooLong = new Map<number, string>();

  constructor(
    readonly waivers: readonly Waiver[],
    now: Date = new Date(),
    limits: WaiverLimits = {},
  ) {
    const indexed = waivers.map((waiver, index) => ({ waiver, index, expires: waiver.expires }));
    const split = activeWaivers(indexed, now);
    this.expired = split.expired;
    const { maxDays } = limits;
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const latest =
      maxDays === undefined ? undefined : new Date(today + maxDays * DAY_MS).toISOString().slice(0, 10);
    for (const entry of split.active) {
      // ISO dates compare as text; the expiry day is the last day it applies.
      if (latest !== undefined && entry.waiver.expires > latest) {
        this.tooLong.set(
          entry.index,
          `expires ${entry.waiver.expires}, more than ${maxDays} days from today (waiver-max-days): renew it for at most ${maxDays} days (until ${latest})`,
        );
      } else this.active.push(entry);
    }
  }

  /** The waiver in force that covers the target, if any; a refused or expired match is recorded. */
  cover(target: WaiverTarget, what: string, options: CoverOptions = { narrow: false }): Waiver | undefined {
    const matching = this.active.filter((w) => waiverMatches(w.waiver, target));
    const hit = matching.find((w) => !options.narrow || namesPlace(w.waiver));
    if (hit) {
      this.applied.push({ waiver: hit.waiver, index: hit.index, what });
      return hit.waiver;
    }
    const broad = matching[0];
    if (broad) {
      this.refusedHits.push({
        waiver: broad.waiver,
        index: broad.index,
        what,
        why: "names no path or fingerprint; a waiver of a policy change or a critical finding must name one",
      });
      return undefined;
    }
    const long = this.waivers.findIndex((w, index) => this.tooLong.has(index) && waiverMatches(w, target));
    if (long !== -1) {
      const waiver = this.waivers[long] as Waiver;
      this.refusedHits.push({ waiver, index: long, what, why: this.tooLong.get(long) as string });
      return undefined;
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

  /** Waivers refused for their lifetime, whether or not they matched anything. */
  refused(): RefusedUse[] {
    return [...this.tooLong].map(([index, why]) => {
      const waiver = this.waivers[index] as Waiver;
      return { waiver, index, what: describeWaiver(waiver), why };
    });
  }

  /** Refused waivers that matched nothing in this run. */
  refusedUnused(): RefusedUse[] {
    const hit = new Set(this.refusedHits.map((u) => u.index));
    return this.refused().filter((u) => !hit.has(u.index));
  }
}

function namesPlace(waiver: Waiver): boolean {
  return waiver.path !== undefined || waiver.fingerprint !== undefined;
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
