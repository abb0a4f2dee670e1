import {
  activeWaivers,
  describeWaiver,
  type Waiver,
  type WaiverTarget,
  type WaiverUse,
  waiverMatches,
} from "@secflow/kit";

const DAY_MS = 24 * 60 * 60 * 1000;

/** A waiver the gate does not apply, and why. */
export interface RefusedUse extends WaiverUse {
  why: string;
}

export interface CoverOptions {
  /**
   * A policy change or a critical finding: only a waiver that names a path or a fingerprint
   * covers it, so one rule-only waiver cannot silence every future instance.
   */
  narrow: boolean;
}

/**
 * The base commit's waivers, with the kit's meaning (every part named must match, in force
 * through the expiry day) and the gate's limits: a waiver that runs longer than waiver-max-days
 * from today is refused, and a waiver of a policy change or of a critical finding must name a
 * path or a fingerprint. Every use is recorded: applied, expired, refused (and why).
 */
export class GateWaivers {
  readonly applied: WaiverUse[] = [];
  readonly expiredHits: WaiverUse[] = [];
  readonly refusedHits: RefusedUse[] = [];
  private readonly active: { waiver: Waiver; index: number }[] = [];
  private readonly expired: { waiver: Waiver; index: number }[] = [];
  /** Waivers that never apply in this run, by index: they run too long. */
  private readonly tooLong = new Map<number, string>();

  constructor(
    readonly waivers: readonly Waiver[],
    readonly maxDays: number,
    now: Date = new Date(),
  ) {
    const indexed = waivers.map((waiver, index) => ({ waiver, index, expires: waiver.expires }));
    const split = activeWaivers(indexed, now);
    this.expired = split.expired;
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const latest = new Date(today + maxDays * DAY_MS).toISOString().slice(0, 10);
    for (const entry of split.active) {
      // ISO dates compare as text; the expiry day is the last day it applies.
      if (entry.waiver.expires > latest) {
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
    const hit = matching.find((w) => !options.narrow || names(w.waiver));
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

function names(waiver: Waiver): boolean {
  return waiver.path !== undefined || waiver.fingerprint !== undefined;
}
