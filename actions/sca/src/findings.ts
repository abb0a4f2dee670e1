// From matched advisories to findings: one per package and vulnerability, aliases grouped, with
// severity, fixed versions and the smallest upgrade that fixes it.

import type { PackageAdvisories } from "./advisories.ts";
import type { Package, VulnFinding } from "./model.ts";
import { allIds, groupByAlias } from "./osv/aliases.ts";
import { fixedVersions } from "./osv/fixes.ts";
import { isAffected } from "./osv/match.ts";
import { advisorySeverity } from "./osv/severity.ts";
import type { OsvRecord } from "./osv/types.ts";
import { versionOrder } from "./versions/order.ts";

export function buildFindings(packages: readonly Package[], advisories: PackageAdvisories): VulnFinding[] {
  const findings: VulnFinding[] = [];
  packages.forEach((pkg, i) => {
    for (const group of groupByAlias(advisories.matches[i] ?? [])) {
      const [advisory, ...related] = group as [OsvRecord, ...OsvRecord[]];
      const rated = group.map(advisorySeverity);
      const severity =
        rated.find((r) => r.score !== undefined) ??
        rated.find((r) => !r.source.startsWith("not given")) ??
        rated[0];
      const fixed = fixesOf(group, pkg);
      const upgradeTo = smallestFix(group, pkg, fixed);
      findings.push({
        package: pkg,
        advisory,
        related,
        ids: allIds(group),
        severity: severity?.severity ?? "medium",
        ...(severity?.score !== undefined ? { score: severity.score } : {}),
        fixedVersions: fixed,
        ...(upgradeTo ? { upgradeTo } : {}),
        ...(group.every((r) => advisories.missing.has(r.id)) ? { detailsMissing: true } : {}),
      });
    }
  });
  return findings;
}

function fixesOf(group: readonly OsvRecord[], pkg: Package): string[] {
  const order = versionOrder(pkg.ecosystem);
  const all = new Set(group.flatMap((r) => fixedVersions(r, pkg.ecosystem, pkg.name)));
  return [...all].sort(order.compare);
}

/** The smallest fixed version above the installed one that none of the group's ranges affects. */
function smallestFix(
  group: readonly OsvRecord[],
  pkg: Package,
  fixed: readonly string[],
): string | undefined {
  const order = versionOrder(pkg.ecosystem);
  if (!order.valid(pkg.version)) return undefined;
  for (const candidate of fixed) {
    if (order.compare(candidate, pkg.version) <= 0) continue;
    const stillAffected = group.some((r) => {
      try {
        return isAffected(r, pkg.ecosystem, pkg.name, candidate);
      } catch {
        return true; // an unreadable range cannot clear the candidate
      }
    });
    if (!stillAffected) return candidate;
  }
  return undefined;
}
