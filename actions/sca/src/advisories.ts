// Which advisories affect each package: looked up in an offline database and matched here, or
// asked of the OSV API, which matches itself. Either way every package is either matched or
// listed as not checked.

import type { Package, Skip } from "./model.ts";
import { type OsvApiOptions, queryOsvApi } from "./osv/api-client.ts";
import { InvalidRangeError, isAffected } from "./osv/match.ts";
import type { AdvisoryIndex } from "./osv/offline-db.ts";
import type { OsvRecord } from "./osv/types.ts";
import { versionOrder } from "./versions/order.ts";

export interface PackageAdvisories {
  /** Advisories affecting each package, by index into the packages given. */
  matches: OsvRecord[][];
  /** Advisory ids matched but without details (API errors). */
  missing: Set<string>;
  skipped: Skip[];
}

export function matchOffline(packages: readonly Package[], index: AdvisoryIndex): PackageAdvisories {
  const skipped: Skip[] = [];
  const matches = packages.map((pkg) => {
    const candidates = index.get(pkg.ecosystem, pkg.name);
    if (candidates.length === 0) return [];
    if (
      !versionOrder(pkg.ecosystem).valid(pkg.version) &&
      !candidates.some((r) => listsVersion(r, pkg.version))
    ) {
      skipped.push({
        subject: describe(pkg),
        reason: `"${pkg.version}" is not a ${pkg.ecosystem} version that can be compared; not checked against ${candidates.length} advisories for ${pkg.name}`,
        ecosystem: pkg.ecosystem,
      });
      return [];
    }
    const found: OsvRecord[] = [];
    for (const record of candidates) {
      try {
        if (isAffected(record, pkg.ecosystem, pkg.name, pkg.version)) found.push(record);
      } catch (error) {
        if (!(error instanceof InvalidRangeError)) throw error;
        skipped.push({
          subject: `${describe(pkg)} against ${record.id}`,
          reason: `not checked: the advisory's range is invalid (${error.message})`,
          ecosystem: pkg.ecosystem,
        });
      }
    }
    return found;
  });
  return { matches, missing: new Set(), skipped };
}

function listsVersion(record: OsvRecord, version: string): boolean {
  return (record.affected ?? []).some((a) => a.versions?.includes(version));
}

export async function matchOnline(
  packages: readonly Package[],
  options: OsvApiOptions,
): Promise<PackageAdvisories> {
  const answer = await queryOsvApi(packages, options);
  const matches = answer.ids.map((ids) => ids.map((id) => answer.records.get(id) ?? { id }));
  const skipped = [...answer.skipped];
  for (const [id, reason] of answer.missing) {
    // On the run of each ecosystem whose packages it matched.
    const ecosystems = new Set(
      packages.filter((_, i) => answer.ids[i]?.includes(id)).map((p) => p.ecosystem),
    );
    for (const ecosystem of ecosystems) {
      skipped.push({
        subject: `advisory ${id}`,
        reason: `details unavailable (${reason}); reported with its id only, without fix versions or severity`,
        ecosystem,
      });
    }
  }
  return { matches, missing: new Set(answer.missing.keys()), skipped };
}

export function describe(pkg: Package): string {
  return `${pkg.name}@${pkg.version} (${pkg.lockfile}:${pkg.line})`;
}
