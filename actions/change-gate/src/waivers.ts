import { activeWaivers, matcher, type Waiver } from "@secflow/kit";
import { fingerprintHash } from "@secflow/sarif";

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
 * The base commit's waivers, split into those in force and those expired. Every use is
 * recorded, and so is every finding an expired waiver would still have covered: the summary
 * says why that finding counts again.
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
    const hit = this.active.find((w) => matches(w.waiver, target));
    if (hit) {
      this.applied.push({ waiver: hit.waiver, index: hit.index, what });
      return hit.waiver;
    }
    const stale = this.expired.find((w) => matches(w.waiver, target));
    if (stale) this.expiredHits.push({ waiver: stale.waiver, index: stale.index, what });
    return undefined;
  }

  expiredWaivers(): WaiverUse[] {
    return this.expired.map(({ waiver, index }) => ({ waiver, index, what: describe(waiver) }));
  }
}

/** Every part the waiver names must match. */
function matches(waiver: Waiver, target: WaiverTarget): boolean {
  if (waiver.rule !== undefined && waiver.rule !== target.ruleId) return false;
  if (waiver.fingerprint !== undefined) {
    const fp = target.fingerprint;
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

/** "rule X in path/**" — how people recognise a waiver. */
export function describe(waiver: Waiver): string {
  const parts = [
    waiver.rule !== undefined ? `rule ${waiver.rule}` : undefined,
    waiver.advisory !== undefined ? `advisory ${waiver.advisory}` : undefined,
    waiver.fingerprint !== undefined ? `fingerprint ${waiver.fingerprint}` : undefined,
  ].filter(Boolean);
  return `${parts.join(", ")}${waiver.path !== undefined ? ` in ${waiver.path}` : ""}`;
}
