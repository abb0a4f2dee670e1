// Saying which scope ran, in the SARIF, the log and the job summary: in changed scope a file the
// tools did not read has no findings because it was not read, which must not look like "clean".

import { codeSpan, escapeMarkdown, type SastTool } from "@secflow/kit";
import type { Sarif } from "@secflow/sarif";
import { TOOL_SPECS } from "./tool-registry.ts";
import type { ToolScopes } from "./tool-scope.ts";

/** At most this many scanned files are named in a run's properties; the count is always there. */
const MAX_NAMED_FILES = 100;

/** What one tool read at the head. */
export interface ToolCoverage {
  tool: SastTool;
  /** The files it analysed (those of its kind among the files it was given). */
  files: readonly string[];
}

/**
 * Records in the run's `properties.secflow`: `scope` ("changed" or "full"), `scannedFiles` (how
 * many files the tool read at the head), in changed scope the paths (`scopeFiles`, the first
 * 100), and, for a tool that read every file in changed scope, why (`scopeNote`).
 */
export function recordScope(run: Sarif.Run, coverage: ToolCoverage, scopes: ToolScopes): void {
  const secflow = run.properties?.secflow as Record<string, unknown> | undefined;
  if (!secflow) return;
  const changed = scopes.perFile.has(coverage.tool);
  secflow.scope = changed ? "changed" : "full";
  secflow.scannedFiles = coverage.files.length;
  if (changed) secflow.scopeFiles = coverage.files.slice(0, MAX_NAMED_FILES);
  const why = scopes.whole.get(coverage.tool);
  if (why) secflow.scopeNote = `read every file: ${why}`;
}

/** The files of the tool's kind among those it was given. */
export function coverageOf(tool: SastTool, files: readonly string[]): ToolCoverage {
  return { tool, files: files.filter(TOOL_SPECS[tool].handles) };
}

/** Lines for the log; `touched` is how many of the files to scan the change adds or modifies. */
export function scopeLogLines(scopes: ToolScopes, touched: number): string[] {
  const { scope, change } = scopes;
  if (scope.kind === "full" || !change) return [`Scope: full (${scope.why}): the tools read every file.`];
  const lines: string[] = [];
  if (scopes.perFile.size > 0)
    lines.push(
      `Scope: changed (${scope.why}): ${[...scopes.perFile.keys()].join(", ")} read only the ${touched} file(s) to scan that the change adds or modifies, and their earlier versions at the merge base.`,
    );
  for (const [tool, why] of scopes.whole) lines.push(`Scope: ${tool} reads every file: ${why}.`);
  return lines;
}

/** Lines for the job summary, right after what ran. */
export function scopeMarkdown(scopes: ToolScopes, coverage: readonly ToolCoverage[]): string[] {
  const { scope, change } = scopes;
  if (scope.kind === "full" || !change) return [];
  const read = coverage
    .filter((c) => scopes.perFile.has(c.tool))
    .map((c) => `${escapeMarkdown(c.tool)}: ${c.files.length} file(s)`)
    .join(", ");
  const lines: string[] = [];
  // Without a per-file tool (every tool reads every file, or only imports) nothing is left unread.
  if (scopes.perFile.size > 0)
    lines.push(
      `**Scope: changed.** The tools read only the files this change adds or modifies (${read}) and their earlier versions; findings in other files are not reported here. A full scan (${codeSpan("scope: full")}) reports them.`,
    );
  for (const [tool, why] of scopes.whole)
    lines.push(`- ${escapeMarkdown(tool)} read every file: ${escapeMarkdown(why)}.`);
  return lines;
}
