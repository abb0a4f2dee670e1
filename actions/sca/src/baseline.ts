// Diff awareness: a finding is new only when the base commit did not already have that package
// vulnerable to that advisory. Bumping a package from one affected version to another affected
// version of the same advisory is "updated", not new; a version that only a different advisory
// affects makes that advisory's finding new. Where a lockfile holds several copies of a package,
// a base copy stands for a head copy only when some package (or the project) depends on both,
// so a vulnerable copy the change adds next to an existing one is still new.

import { normalizeName } from "./ecosystems.ts";
import { type LicensePolicy, licenseProblem } from "./licenses.ts";
import type { LicenseFinding, Package, ParsedLockfile, VulnFinding } from "./model.ts";
import { isAffected } from "./osv/match.ts";

export interface BaseLockfiles {
  /** Parsed base lockfiles by their path at base. */
  byPath: Map<string, ParsedLockfile>;
  /** Head path → base path, for lockfiles the change renamed. */
  previousPath: Map<string, string>;
}

export function markBaseline(
  findings: VulnFinding[],
  licenses: LicenseFinding[],
  base: BaseLockfiles,
  policy: LicensePolicy,
): void {
  for (const finding of findings) {
    const before = basePackages(finding.package, base).filter((pkg) => sameCopy(pkg, finding.package));
    const records = [finding.advisory, ...finding.related];
    const affectedBefore = before.filter((pkg) =>
      finding.detailsMissing
        ? pkg.version === finding.package.version
        : records.some((record) => {
            try {
              return isAffected(record, pkg.ecosystem, pkg.name, pkg.version);
            } catch {
              return pkg.version === finding.package.version;
            }
          }),
    );
    finding.baselineState = stateAgainst(affectedBefore, finding.package);
  }
  for (const finding of licenses) {
    const before = basePackages(finding.package, base).filter((pkg) => sameCopy(pkg, finding.package));
    const same = before.filter((pkg) => licenseProblem(pkg.license, policy) === finding.problem);
    finding.baselineState = stateAgainst(same, finding.package);
  }
}

/** New when no base copy had the problem; unchanged when one at the same version did; else updated. */
function stateAgainst(before: Package[], pkg: Package): "new" | "unchanged" | "updated" {
  if (before.length === 0) return "new";
  return before.some((p) => p.version === pkg.version) ? "unchanged" : "updated";
}

/** Whether a base copy can be the head copy: something depends on both, or the graph is unknown. */
function sameCopy(before: Package, now: Package): boolean {
  if (!before.dependents || !now.dependents) return true;
  return before.dependents.some((name) => now.dependents?.includes(name));
}

function basePackages(pkg: Package, base: BaseLockfiles): Package[] {
  // The lockfile read, which is not always the file the package was found in (a go 1.16
  // module's indirect dependencies are found in the go.sum beside its go.mod).
  const read = pkg.readFrom ?? pkg.lockfile;
  const path = base.previousPath.get(read) ?? read;
  const lockfile = base.byPath.get(path);
  if (!lockfile) return [];
  const name = normalizeName(pkg.ecosystem, pkg.name);
  return lockfile.packages.filter(
    (p) => p.ecosystem === pkg.ecosystem && normalizeName(p.ecosystem, p.name) === name,
  );
}
