// Puts another scanner's matches at lines of the repository's lockfiles: the package with that
// name and version in the lockfile the tool read. The tool's verdict that the version is
// affected is kept; only npm audit, which names no version, is matched by its range here.

import path from "node:path";
import type { PackageAdvisories } from "../advisories.ts";
import { normalizeName } from "../ecosystems.ts";
import type { Package, ParsedLockfile, Skip } from "../model.ts";
import { isAffected } from "../osv/match.ts";
import type { OsvRecord } from "../osv/types.ts";
import { purl } from "../purl.ts";
import type { ImportedMatch, ImportedReport } from "./types.ts";

export interface LocatedImport {
  packages: Package[];
  advisories: PackageAdvisories;
}

export function locateImport(
  report: ImportedReport,
  lockfiles: readonly ParsedLockfile[],
  options: { root: string; importPath: string },
): LocatedImport {
  const packages: Package[] = [];
  const matches: OsvRecord[][] = [];
  const indexOf = new Map<Package, number>();
  const skipped: Skip[] = [...report.skipped];
  const add = (pkg: Package, record: OsvRecord) => {
    let index = indexOf.get(pkg);
    if (index === undefined) {
      index = packages.push(pkg) - 1;
      indexOf.set(pkg, index);
      matches.push([]);
    }
    const list = matches[index] as OsvRecord[];
    if (!list.some((r) => r.id === record.id)) list.push(record);
  };
  for (const match of report.matches) {
    const candidates = candidatesFor(match, lockfiles, options.root);
    if (match.version === undefined) {
      const affected = candidates.filter((pkg) => {
        try {
          return isAffected(match.record, pkg.ecosystem, pkg.name, pkg.version);
        } catch {
          return false;
        }
      });
      if (affected.length === 0) {
        skipped.push({
          subject: `${match.name} ${match.record.id}`,
          reason: `reported by ${report.tool.name}, but no affected version of ${match.name} is in the repository's lockfiles; not located`,
          ecosystem: match.ecosystem,
        });
      }
      for (const pkg of affected) add(pkg, match.record);
      continue;
    }
    const exact = candidates.filter(
      (pkg) =>
        pkg.version === match.version ||
        pkg.version === `v${match.version}` ||
        `v${pkg.version}` === match.version,
    );
    if (exact.length > 0) {
      for (const pkg of exact) add(pkg, match.record);
    } else {
      add(unlocatedPackage(match, options), match.record);
    }
  }
  return { packages, advisories: { matches, missing: new Set(), skipped } };
}

/** Packages of the same name, in the lockfile the tool names when that one is known. */
function candidatesFor(match: ImportedMatch, lockfiles: readonly ParsedLockfile[], root: string): Package[] {
  const name = normalizeName(match.ecosystem, match.name);
  const wanted = match.lockfile ? relativeTo(match.lockfile, root) : undefined;
  const inFile = (file: string) =>
    wanted === undefined || file === wanted || file.endsWith(`/${wanted}`) || wanted.endsWith(`/${file}`);
  const all = lockfiles
    .flatMap((l) => l.packages)
    .filter((p) => p.ecosystem === match.ecosystem && normalizeName(p.ecosystem, p.name) === name);
  const narrowed = all.filter((p) => inFile(p.lockfile) || (p.readFrom !== undefined && inFile(p.readFrom)));
  return narrowed.length > 0 ? narrowed : all;
}

/** A package the lockfiles do not show: reported at the tool's lockfile, or at the report itself. */
function unlocatedPackage(match: ImportedMatch, options: { root: string; importPath: string }): Package {
  const version = match.version ?? "unknown";
  const lockfile = match.lockfile ? relativeTo(match.lockfile, options.root) : options.importPath;
  return {
    ecosystem: match.ecosystem,
    name: match.name,
    version,
    purl: purl(match.ecosystem, match.name, version),
    relation: "unknown",
    scope: "runtime",
    lockfile: lockfile.startsWith("..") || path.posix.isAbsolute(lockfile) ? options.importPath : lockfile,
    line: 1,
    dependencyPath: [match.name],
  };
}

/** A lockfile path of the report, repository-relative when it is absolute. */
function relativeTo(file: string, root: string): string {
  const posix = file.replace(/\\/g, "/");
  if (!path.posix.isAbsolute(posix)) return path.posix.normalize(posix).replace(/^\.\//, "");
  const relative = path.relative(root, posix).split(path.sep).join("/");
  // Grype writes lockfile paths from the scanned folder's root ("/package-lock.json").
  return relative.startsWith("..") ? posix.replace(/^\/+/, "") : relative;
}
