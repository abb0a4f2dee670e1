import path from "node:path";
import type { Ecosystem } from "../model.ts";
import { parseCargoLock } from "./cargo.ts";
import { parseGoMod } from "./go-mod.ts";
import { parseGradleLockfile } from "./gradle.ts";
import { parseNpmLock } from "./npm.ts";
import { parsePipfileLock } from "./pipfile.ts";
import { parsePnpmLock } from "./pnpm.ts";
import { parsePoetryLock } from "./poetry.ts";
import { parseRequirements } from "./requirements.ts";
import type { LockfileParser } from "./types.ts";
import { parseUvLock } from "./uv.ts";
import { parseYarnLock } from "./yarn.ts";

/** Globs that find lockfiles when the `lockfiles` input is not given. */
export const DEFAULT_LOCKFILE_GLOBS = [
  "**/package-lock.json",
  "**/npm-shrinkwrap.json",
  "**/pnpm-lock.yaml",
  "**/yarn.lock",
  "**/requirements.txt",
  "**/requirements-*.txt",
  "**/*-requirements.txt",
  "**/poetry.lock",
  "**/Pipfile.lock",
  "**/uv.lock",
  "**/go.mod",
  "**/Cargo.lock",
  "**/gradle.lockfile",
  "**/gradle/dependency-locks/*.lockfile",
];

const BY_NAME: Record<string, LockfileParser> = {
  "package-lock.json": parseNpmLock,
  "npm-shrinkwrap.json": parseNpmLock,
  "pnpm-lock.yaml": parsePnpmLock,
  "yarn.lock": parseYarnLock,
  "poetry.lock": parsePoetryLock,
  "Pipfile.lock": parsePipfileLock,
  "uv.lock": parseUvLock,
  "go.mod": parseGoMod,
  "Cargo.lock": parseCargoLock,
  "gradle.lockfile": parseGradleLockfile,
};

const ECOSYSTEM_BY_NAME: Record<string, Ecosystem> = {
  "package-lock.json": "npm",
  "npm-shrinkwrap.json": "npm",
  "pnpm-lock.yaml": "npm",
  "yarn.lock": "npm",
  "poetry.lock": "PyPI",
  "Pipfile.lock": "PyPI",
  "uv.lock": "PyPI",
  "go.mod": "Go",
  "Cargo.lock": "crates.io",
  "gradle.lockfile": "Maven",
};

/** The parser for a lockfile, by its name; undefined for a file this scan cannot read. */
export function parserFor(file: string): LockfileParser | undefined {
  const name = path.posix.basename(file);
  const known = BY_NAME[name];
  if (known) return known;
  if (name.endsWith(".lockfile")) return parseGradleLockfile;
  if (/requirements.*\.txt$|\.txt$/i.test(name)) return parseRequirements;
  return undefined;
}

/**
 * The ecosystem a lockfile holds, by its name (as parserFor decides its format): what a lockfile
 * that cannot be read leaves unchecked. Undefined for a file this scan cannot read.
 */
export function ecosystemOf(file: string): Ecosystem | undefined {
  const name = path.posix.basename(file);
  const known = ECOSYSTEM_BY_NAME[name];
  if (known) return known;
  if (name.endsWith(".lockfile")) return "Maven";
  if (/requirements.*\.txt$|\.txt$/i.test(name)) return "PyPI";
  return undefined;
}

export const SUPPORTED_NAMES = [...Object.keys(BY_NAME), "requirements*.txt", "*.lockfile (Gradle)"];
