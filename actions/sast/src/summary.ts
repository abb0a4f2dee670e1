import {
  codeSpan,
  escapeMarkdown,
  type FindingCounts,
  isCounted,
  isNew,
  markdownTable,
  type Unchecked,
  uncheckedMarkdown,
} from "@secflow/kit";
import { decodePath, type Sarif, SEVERITIES, severityOf } from "@secflow/sarif";
import type { SkippedTool } from "./select-tools.ts";
import { type SkippedFacts, skippedMarkdown } from "./skipped-files.ts";

/** At most this many new findings are listed; the SARIF file has them all. */
const MAX_ROWS = 100;

export interface SummaryFacts {
  counts: FindingCounts;
  /** Each run's tool and category key with its number of reported findings. */
  runs: { tool: string; findings: number }[];
  skipped: SkippedTool[];
  /** One line on how findings were marked new, or undefined without a baseline. */
  baseline?: string;
  sarifFile: string;
  /** Warnings of this step (tools skipped, languages no tool covers, …). */
  warnings: readonly string[];
  /** What was not checked: said first, as "nothing found" means nothing until it is known what was read. */
  unchecked: readonly Unchecked[];
  /** Files left alone by class (vendored, generated, minified, tests, untracked). */
  notScanned?: SkippedFacts;
  /** Which files the tools read, in changed scope (scope-report.ts). */
  scope?: readonly string[];
}

/** At most this many warnings are repeated in the summary. */
const MAX_WARNINGS = 20;

/** The job summary: what was not checked, what ran, counts by severity, and the new findings in a table. */
export function summaryMarkdown(log: Sarif.Log, facts: SummaryFacts): string {
  const { counts } = facts;
  const lines: string[] = ["## secflow sast", ""];
  const incomplete = uncheckedMarkdown(facts.unchecked, escapeMarkdown);
  if (incomplete) lines.push(incomplete);
  const ran = facts.runs.map((r) => `**${escapeMarkdown(r.tool)}** (${r.findings})`).join(", ");
  lines.push(`Analysed with ${ran || "no tool"}.`);
  // Skips that deserve a warning are listed with the warnings below.
  for (const s of facts.skipped.filter((s) => !s.warn))
    lines.push(`- Skipped ${escapeMarkdown(s.tool)}: ${escapeMarkdown(s.reason)}.`);
  lines.push("");
  if (facts.scope?.length) lines.push(...facts.scope, "");
  const notScanned = facts.notScanned ? skippedMarkdown(facts.notScanned) : [];
  if (notScanned.length > 0) lines.push(...notScanned, "");
  lines.push(
    facts.baseline
      ? `${escapeMarkdown(facts.baseline)}: **${counts.new} new** of ${counts.total} finding(s).`
      : `No baseline: all ${counts.total} finding(s) count as new.`,
  );
  if (counts.waived || counts.suppressedInSource) {
    lines.push(
      `Not counted: ${counts.waived} waived in secflow.yml, ${counts.suppressedInSource} suppressed in the code.`,
    );
  }
  if (counts.underReview) {
    lines.push(
      `Counted: ${counts.underReview} with a suppression under review (not a decision yet, so still reported).`,
    );
  }
  lines.push("");
  if (facts.warnings.length > 0) {
    lines.push("**Warnings**", "");
    for (const warning of facts.warnings.slice(0, MAX_WARNINGS)) lines.push(`- ${escapeMarkdown(warning)}`);
    if (facts.warnings.length > MAX_WARNINGS)
      lines.push(`- … and ${facts.warnings.length - MAX_WARNINGS} more in the log.`);
    lines.push("");
  }
  lines.push(
    markdownTable(
      ["Severity", "Findings", "New"],
      SEVERITIES.map((s) => [s, counts.bySeverity[s].total, counts.bySeverity[s].new]),
    ),
  );
  const rows = newFindingRows(log);
  if (rows.length > 0) {
    lines.push("### New findings", "");
    lines.push(markdownTable(["Severity", "Tool", "Rule", "Location", "Message"], rows.slice(0, MAX_ROWS)));
    if (rows.length > MAX_ROWS) lines.push(`… and ${rows.length - MAX_ROWS} more in the SARIF file.`, "");
  }
  lines.push(`SARIF: ${codeSpan(facts.sarifFile)}`);
  return `${lines.join("\n")}\n`;
}

function newFindingRows(log: Sarif.Log) {
  const rows: { rank: number; cells: (string | { markdown: string })[] }[] = [];
  for (const run of log.runs) {
    for (const result of run.results ?? []) {
      if (!isNew(result) || !isCounted(result)) continue;
      const location = result.locations?.[0]?.physicalLocation;
      const file = decodePath(location?.artifactLocation?.uri ?? "");
      const severity = severityOf(result);
      rows.push({
        rank: SEVERITIES.indexOf(severity),
        cells: [
          severity,
          run.tool.driver.name,
          { markdown: codeSpan(result.ruleId ?? "") },
          { markdown: codeSpan(`${file}:${location?.region?.startLine ?? 1}`) },
          result.message.text ?? "",
        ],
      });
    }
  }
  // Most severe first; the sort is stable, so file order holds within a severity.
  return rows.sort((a, b) => a.rank - b.rank).map((r) => r.cells);
}
