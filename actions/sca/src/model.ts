// The data that flows through a scan: packages read from lockfiles, advisories that affect them,
// and what could not be checked. Every stage takes and returns these plain values.

import type { Severity } from "@secflow/sarif";
import type { OsvRecord } from "./osv/types.ts";

/** OSV ecosystem names, as advisories spell them. */
export type Ecosystem = "npm" | "PyPI" | "Go" | "crates.io" | "Maven";

export type Scope = "runtime" | "dev";
/** "unknown" when the lockfile does not say and no manifest next to it does either. */
export type Relation = "direct" | "transitive" | "unknown";

export interface Package {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  purl: string;
  relation: Relation;
  scope: Scope;
  /** Repository-relative POSIX path of the lockfile (of the file it was found in). */
  lockfile: string;
  /**
   * The lockfile read, when the package was found in a file beside it: a go.sum, for the indirect
   * dependencies of a go 1.16 module's go.mod. Undefined when it is `lockfile`.
   */
  readFrom?: string;
  /** 1-based line of the lockfile where the package is declared. */
  line: number;
  /** Package names from a direct dependency down to this one (just [name] for a direct one). */
  dependencyPath: string[];
  /** The declared license (an SPDX expression or free text) when the lockfile records it. */
  license?: string;
  /**
   * Names of the packages that depend on this copy, PROJECT for the project itself; undefined
   * when the lockfile has no dependency graph. Tells copies of one package apart across commits.
   */
  dependents?: string[];
}

/** Stands for the project in `dependents`. */
export const PROJECT = "(project)";

/**
 * Something the scan could not check. It is coverage, not a footnote: recorded in the SARIF run of
 * its ecosystem (the kit's recordCoverage), said at the top of the summary, and it fails the step
 * unless the team chose on-unchecked: warn. A Skip is the kit's Unchecked plus where it belongs.
 */
export interface Skip {
  /** What was not checked: a file, a package, an advisory, an ecosystem. */
  subject: string;
  reason: string;
  /** The ecosystem whose run it concerns; undefined when it concerns every run (a database file). */
  ecosystem?: Ecosystem;
}

/** What a scan says besides its findings: what it could not check, and warnings for the log. */
export interface ScanNotes {
  skipped: Skip[];
  warnings: string[];
}

/** A lockfile after parsing: its packages, and the lines that could not be used. */
export interface ParsedLockfile {
  path: string;
  ecosystem: Ecosystem;
  packages: Package[];
  skipped: Skip[];
}

type BaselineState = "new" | "unchanged" | "updated";

/** One vulnerable package and one advisory (aliases grouped). */
export interface VulnFinding {
  package: Package;
  /** The advisory the finding is named after; others that are the same vulnerability follow. */
  advisory: OsvRecord;
  /** Every id of the vulnerability: the advisory's, its aliases and grouped advisories'. */
  ids: string[];
  /** Advisories that were grouped into this one (same vulnerability under other ids). */
  related: OsvRecord[];
  severity: Severity;
  /** CVSS base score when a vector gave one. */
  score?: number;
  fixedVersions: string[];
  /** The smallest version above the installed one that no range of the advisory affects. */
  upgradeTo?: string;
  /** When the advisory's details could not be fetched (the match itself came from the source). */
  detailsMissing?: boolean;
  suppression?: { reason: string; expires: string };
  baselineState?: BaselineState;
}

export type LicenseProblem = "denied" | "not-allowed" | "unknown";

export interface LicenseFinding {
  package: Package;
  problem: LicenseProblem;
  /** The license as declared (absent for "unknown" when none is declared). */
  license?: string;
  baselineState?: BaselineState;
}
