import * as pep440 from "@renovatebot/pep440";
import semver from "semver";
import type { Ecosystem } from "../model.ts";
import { compareMaven } from "./maven.ts";

/** How one ecosystem orders its versions. `valid` says whether a string is a version at all. */
export interface VersionOrder {
  valid(version: string): boolean;
  /** Negative, zero or positive; only called with valid versions. */
  compare(a: string, b: string): number;
}

const semverOrder: VersionOrder = {
  valid: (v) => semver.valid(v) !== null,
  compare: (a, b) => semver.compare(a, b),
};

// Go versions are semver with a "v" in go.mod and without it in advisories; Go releases (the
// standard library's versions) are written "1.21", "1.21.3" or "1.21rc2".
const goOrder: VersionOrder = {
  valid: (v) => semver.valid(goSemver(v)) !== null,
  compare: (a, b) => semver.compare(goSemver(a), goSemver(b)),
};

const pep440Order: VersionOrder = {
  valid: (v) => pep440.valid(v) !== null,
  compare: (a, b) => pep440.compare(a, b),
};

const mavenOrder: VersionOrder = {
  valid: (v) => v.trim() !== "",
  compare: compareMaven,
};

const ORDERS: Record<Ecosystem, VersionOrder> = {
  npm: semverOrder,
  "crates.io": semverOrder,
  Go: goOrder,
  PyPI: pep440Order,
  Maven: mavenOrder,
};

/** The version ordering OSV uses for the ecosystem's ECOSYSTEM and SEMVER ranges. */
export function versionOrder(ecosystem: Ecosystem): VersionOrder {
  return ORDERS[ecosystem];
}

function stripV(version: string): string {
  return version.startsWith("v") ? version.slice(1) : version;
}

/**
 * A Go version as semver, the form the Go vulnerability database writes: "v1.2.3" → "1.2.3", and a
 * Go release as its tag maps to semver ("1.21" → "1.21.0", "1.21rc2" → "1.21.0-rc.2",
 * "1.9.2beta1" → "1.9.2-beta.1"), as go directives, toolchain names and go versions are written.
 */
export function goSemver(version: string): string {
  const plain = stripV(version);
  const release = /^(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta|alpha)(\d+))?$/.exec(plain);
  if (!release) return plain;
  const [, major, minor, patch = "0", pre, preNumber] = release;
  return `${major}.${minor}.${patch}${pre ? `-${pre}.${preNumber}` : ""}`;
}
