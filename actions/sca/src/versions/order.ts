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

// Go versions are semver with a "v" in go.mod and without it in advisories.
const goOrder: VersionOrder = {
  valid: (v) => semver.valid(stripV(v)) !== null,
  compare: (a, b) => semver.compare(stripV(a), stripV(b)),
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

export function stripV(version: string): string {
  return version.startsWith("v") ? version.slice(1) : version;
}
