import type { Unchecked } from "@secflow/kit";
import type { RuleInput, Sarif, Severity, ToolInfo } from "@secflow/sarif";

/** One finding as an adapter reads it from a tool, before the team's tuning is applied. */
export interface Finding {
  ruleId: string;
  message: string;
  /** Repository-relative POSIX path. */
  path: string;
  startLine: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
  /** The flagged code (the tool's excerpt or the source line); identity for fingerprints. */
  snippet?: string;
  /** This finding's own severity when the tool rates findings of one rule differently. */
  severity?: Severity;
  /**
   * Suppressions: in-source ones the tool's own comments make (`# nosec`, `flawfinder: ignore`,
   * `nosemgrep`, eslint-disable), kept and marked rather than hidden, or those imported SARIF carries.
   */
  suppressions?: Sarif.Suppression[];
}

/**
 * What one tool reported, in tool-neutral form: every adapter produces these and one builder
 * turns them into profile SARIF runs. `key` is the tool part of the category
 * (`secflow/sast/<key>/`), so base and head runs of one tool meet in the baseline.
 */
export interface ToolReport {
  key: string;
  tool: ToolInfo;
  /** Rule metadata by rule id; every finding's rule is here. */
  rules: Map<string, RuleInput>;
  findings: Finding[];
  /** Problems worth a warning that leave nothing unchecked (a language no tool covers, …). */
  warnings: string[];
  /**
   * What the tool did not check: files it could not parse, the whole run when it failed, links
   * that lead out of the repository. Recorded in the run's invocation; decides on-unchecked.
   */
  unchecked: Unchecked[];
  /** What the adapter did, for the log (which configuration ran, …). */
  notes: string[];
}

export function emptyReport(key: string, tool: ToolInfo): ToolReport {
  return { key, tool, rules: new Map(), findings: [], warnings: [], unchecked: [], notes: [] };
}

/** Adds `part` to `report` (one tool run in several chunks); a rule keeps its highest severity. */
export function mergeReports(report: ToolReport, part: ToolReport): void {
  for (const [id, rule] of part.rules) {
    const existing = report.rules.get(id);
    if (!existing) report.rules.set(id, rule);
    else if (typeof existing.severity === "number" && typeof rule.severity === "number") {
      existing.severity = Math.max(existing.severity, rule.severity);
    }
  }
  report.findings.push(...part.findings);
  report.warnings.push(...part.warnings);
  report.unchecked.push(...part.unchecked);
  report.notes.push(...part.notes);
}

/**
 * Gives every report its own category key: two imports of one tool (CodeQL for two languages)
 * become `codeql` and `codeql-2`, as GitHub rejects two runs with one category in an upload.
 */
export function uniqueKeys(reports: readonly ToolReport[]): void {
  const used = new Set<string>();
  for (const report of reports) {
    let key = report.key;
    for (let n = 2; used.has(key); n++) key = `${report.key}-${n}`;
    used.add(key);
    report.key = key;
  }
}
