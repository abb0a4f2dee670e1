import { gzipSync } from "node:zlib";
import { UserError } from "@secflow/errors";
import type { ErrorObject, ValidateFunction } from "ajv";
import type * as Sarif from "sarif";
import validateProfile from "./generated/profile-v1.validator.js";
import validateOfficial from "./generated/sarif-2.1.0.validator.js";
import { GITHUB_LIMITS } from "./profile.ts";

export type IssueSource = "sarif-2.1.0" | "secflow-profile" | "github";

export interface ValidationIssue {
  /** JSON pointer into the log, `""` for the whole document. */
  pointer: string;
  message: string;
  source: IssueSource;
}

export interface ValidationResult {
  valid: boolean;
  issues: ValidationIssue[];
}

export interface ValidateOptions {
  /** Check the secflow profile too (default true); false checks SARIF 2.1.0 and GitHub only. */
  profile?: boolean;
  /** Skip the gzip size check (it costs a compression of the whole log). */
  skipSizeCheck?: boolean;
  /** At most this many issues are reported (default 100). */
  maxIssues?: number;
}

/**
 * Validates a parsed SARIF log against the official SARIF 2.1.0 schema, the secflow profile and
 * what GitHub code scanning rejects although the schema allows it.
 */
export function validate(log: unknown, options: ValidateOptions = {}): ValidationResult {
  const maxIssues = options.maxIssues ?? 100;
  const issues: ValidationIssue[] = [];
  // Precompiled from schema/ by scripts/compile-schemas.mjs: compiling at start-up costs ~300 ms.
  if (!validateOfficial(log)) issues.push(...describe(validateOfficial, "sarif-2.1.0"));
  if (options.profile !== false && !validateProfile(log)) {
    issues.push(...describe(validateProfile, "secflow-profile"));
  }
  if (options.profile !== false && isLogShaped(log)) issues.push(...pathIssues(log));
  if (isLogShaped(log)) issues.push(...githubIssues(log, options));
  return { valid: issues.length === 0, issues: dedupe(issues).slice(0, maxIssues) };
}

/** What GitHub's SARIF ingestion rejects beyond the schema. */
export function githubIssues(log: Sarif.Log, options: { skipSizeCheck?: boolean } = {}): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const add = (pointer: string, message: string) => issues.push({ pointer, message, source: "github" });
  if (log.runs.length > GITHUB_LIMITS.runsPerFile) {
    add("/runs", `${log.runs.length} runs; GitHub accepts at most ${GITHUB_LIMITS.runsPerFile} per file`);
  }
  const categories = new Map<string, number>();
  log.runs.forEach((run, r) => {
    const id = run.automationDetails?.id;
    if (id !== undefined) {
      const first = categories.get(id);
      if (first !== undefined) {
        add(
          `/runs/${r}/automationDetails/id`,
          `category "${id}" is also used by /runs/${first}; GitHub rejects two runs with one category in an upload`,
        );
      } else categories.set(id, r);
    }
    const results = run.results ?? [];
    if (results.length > GITHUB_LIMITS.resultsPerRun) {
      add(
        `/runs/${r}/results`,
        `${results.length} results; GitHub accepts at most ${GITHUB_LIMITS.resultsPerRun} per run`,
      );
    }
    const rules = run.tool?.driver?.rules ?? [];
    rules.forEach((rule, i) => {
      const value = rule.properties?.["security-severity"];
      if (value !== undefined && !isScore(value)) {
        add(
          `/runs/${r}/tool/driver/rules/${i}/properties/security-severity`,
          `security-severity "${String(value)}" is not a number from 0.0 to 10.0`,
        );
      }
    });
    results.forEach((result, i) => {
      const uri = result.locations?.[0]?.physicalLocation?.artifactLocation?.uri;
      if (!uri)
        add(
          `/runs/${r}/results/${i}/locations`,
          "result has no file location; GitHub code scanning needs one",
        );
      const ruleIndex = ruleIndexIssue(result, rules, `/runs/${r}/results/${i}`);
      if (ruleIndex) issues.push(ruleIndex);
    });
  });
  if (!options.skipSizeCheck) {
    const bytes = gzipSync(JSON.stringify(log)).length;
    if (bytes > GITHUB_LIMITS.gzippedBytes) {
      add("", `${(bytes / 1048576).toFixed(1)} MB gzipped; GitHub accepts at most 10 MB`);
    }
  }
  return issues;
}

/** GitHub's check that a result's `ruleIndex` names the rule its `ruleId` does (`pointer`: the result). */
export function ruleIndexIssue(
  result: Sarif.Result,
  rules: readonly Sarif.ReportingDescriptor[],
  pointer: string,
): ValidationIssue | undefined {
  if (result.ruleIndex === undefined || result.ruleId === undefined) return undefined;
  const rule = rules[result.ruleIndex];
  const message = !rule
    ? `ruleIndex ${result.ruleIndex} is past the end of tool.driver.rules`
    : rule.id !== result.ruleId
      ? `ruleIndex ${result.ruleIndex} points at rule "${rule.id}", not "${result.ruleId}"`
      : undefined;
  return message ? { pointer: `${pointer}/ruleIndex`, message, source: "github" } : undefined;
}

/**
 * The profile's locations are repository-relative POSIX paths. A URI that decodes to one that
 * climbs out (`src/%2e%2e/…`, `..%2f`), starts at the root, or holds a backslash or NUL is
 * refused here, not later by whatever joins it to a folder.
 */
function pathIssues(log: Sarif.Log): ValidationIssue[] {
  return log.runs.flatMap((run, r) =>
    (run.results ?? []).flatMap((result, i) => resultPathIssues(result, `/runs/${r}/results/${i}`)),
  );
}

/** The locations of one result (at `pointer`) that are not paths inside the repository. */
export function resultPathIssues(result: Sarif.Result, pointer: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  (result.locations ?? []).forEach((location, l) => {
    const uri = location.physicalLocation?.artifactLocation?.uri;
    const problem = uri === undefined ? undefined : unsafePath(uri);
    if (problem) {
      issues.push({
        pointer: `${pointer}/locations/${l}/physicalLocation/artifactLocation/uri`,
        message: `"${uri}" ${problem}; locations are paths inside the repository`,
        source: "secflow-profile",
      });
    }
  });
  return issues;
}

/** A UserError for the first location that is not a path inside the repository. */
export function assertSafePaths(log: Sarif.Log, source: string): void {
  const [first] = pathIssues(log);
  if (first) throw new UserError(`${source}: ${first.pointer}: ${first.message}`);
}

/** Why a relative URI is not a path inside the repository, or undefined when it is one. */
export function unsafePath(uri: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri)) return undefined; // absolute URIs are the schema's business
  let path: string;
  try {
    path = decodeURIComponent(uri);
  } catch {
    return "is not a valid percent-encoded URI";
  }
  if (path.includes("\\") || path.includes("\0")) return "holds a backslash or NUL once decoded";
  if (path.startsWith("/")) return "is an absolute path once decoded";
  if (path.split("/").some((segment) => segment === ".."))
    return "climbs out of the repository once decoded (..)";
  return undefined;
}

function isScore(value: unknown): boolean {
  if (typeof value !== "string" && typeof value !== "number") return false;
  if (typeof value === "string" && !/^\d+(\.\d+)?$/.test(value.trim())) return false;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 && n <= 10;
}

function isLogShaped(log: unknown): log is Sarif.Log {
  return typeof log === "object" && log !== null && Array.isArray((log as Sarif.Log).runs);
}

function describe(check: ValidateFunction, source: IssueSource): ValidationIssue[] {
  return (check.errors ?? [])
    .filter((e) => e.keyword !== "if" && e.keyword !== "anyOf" && e.keyword !== "oneOf")
    .map((e) => ({ pointer: e.instancePath, message: explain(e), source }));
}

function explain(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return `missing required property "${String(p.missingProperty)}"`;
    case "additionalProperties":
      return `unknown property "${String(p.additionalProperty)}"`;
    case "const":
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case "enum":
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "contains":
      return 'must contain the tag "security"';
    default:
      return error.message ?? error.keyword;
  }
}

function dedupe(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.source}|${i.pointer}|${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** One line per issue, for people: `/runs/0/results/3: missing required property "level" [secflow-profile]`. */
export function formatIssues(issues: ValidationIssue[]): string {
  return issues.map((i) => `${i.pointer || "/"}: ${i.message} [${i.source}]`).join("\n");
}
