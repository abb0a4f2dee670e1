// The job summary: what was scanned, the findings the change brings in (all findings when there
// is no baseline) with their fixes, and everything that could not be checked.

import { codeSpan, escapeMarkdown, markdownTable } from "@secflow/kit";
import { compareSeverity } from "@secflow/sarif";
import type { LicenseFinding, Skip, VulnFinding } from "./model.ts";
import { advisoryUrl } from "./rules.ts";

export interface SummaryInput {
  source: string;
  lockfiles: number;
  packages: number;
  devExcluded: number;
  diff: boolean;
  baseRef?: string;
  vulns: readonly VulnFinding[];
  licenses: readonly LicenseFinding[];
  skipped: readonly Skip[];
  warnings: readonly string[];
}

const MAX_ROWS = 50;

export function summaryMarkdown(input: SummaryInput): string {
  const open = input.vulns.filter((f) => !f.suppression);
  const shown = input.diff ? open.filter((f) => f.baselineState === "new") : open;
  const newLicenses = input.licenses.filter((f) => !input.diff || f.baselineState === "new");
  const parts: string[] = ["## secflow sca", ""];
  parts.push(
    `Scanned ${input.packages} packages in ${input.lockfiles} lockfile${input.lockfiles === 1 ? "" : "s"} against ${escapeMarkdown(input.source)}` +
      (input.devExcluded ? ` (${input.devExcluded} dev-only packages left out by configuration)` : "") +
      `${input.diff && input.baseRef ? `, compared with ${codeSpan(input.baseRef)}` : ""}.`,
    "",
    `**${open.length}** vulnerable (package, advisory) pair${open.length === 1 ? "" : "s"}` +
      (input.diff ? `, **${open.filter((f) => f.baselineState === "new").length}** new in this change` : "") +
      `; ${input.licenses.length} license problem${input.licenses.length === 1 ? "" : "s"}` +
      `${input.vulns.length - open.length ? `; ${input.vulns.length - open.length} ignored by configuration` : ""}.`,
    "",
  );
  if (shown.length > 0) {
    parts.push(`### ${input.diff ? "New vulnerable dependencies" : "Vulnerable dependencies"}`, "");
    const rows = [...shown]
      .sort((a, b) => compareSeverity(b.severity, a.severity) || a.package.name.localeCompare(b.package.name))
      .slice(0, MAX_ROWS)
      .map((f) => [
        f.severity,
        { markdown: codeSpan(f.package.name) },
        f.package.version,
        { markdown: `[${escapeMarkdown(f.advisory.id)}](${advisoryUrl(f.advisory.id)})` },
        f.upgradeTo
          ? `upgrade to ${f.upgradeTo}`
          : f.fixedVersions.length
            ? `fixed in ${f.fixedVersions.join(", ")}`
            : "no fix known",
        `${f.package.relation}, ${f.package.scope}`,
        { markdown: codeSpan(`${f.package.lockfile}:${f.package.line}`) },
      ]);
    parts.push(
      markdownTable(["Severity", "Package", "Installed", "Advisory", "Fix", "Dependency", "Where"], rows),
    );
    if (shown.length > MAX_ROWS) parts.push(`…and ${shown.length - MAX_ROWS} more in the SARIF file.`, "");
  }
  if (newLicenses.length > 0) {
    parts.push(`### ${input.diff ? "New license problems" : "License problems"}`, "");
    const rows = newLicenses
      .slice(0, MAX_ROWS)
      .map((f) => [
        f.problem,
        { markdown: codeSpan(f.package.name) },
        f.package.version,
        f.license ?? "none recorded",
        { markdown: codeSpan(`${f.package.lockfile}:${f.package.line}`) },
      ]);
    parts.push(markdownTable(["Problem", "Package", "Version", "License", "Where"], rows));
    if (newLicenses.length > MAX_ROWS)
      parts.push(`…and ${newLicenses.length - MAX_ROWS} more in the SARIF file.`, "");
  }
  if (input.warnings.length > 0) {
    parts.push("### Warnings", "", ...input.warnings.map((w) => `- ${escapeMarkdown(w)}`), "");
  }
  if (input.skipped.length > 0) {
    parts.push(
      `### Not checked (${input.skipped.length})`,
      "",
      "These were not checked, so the results above say nothing about them:",
      "",
    );
    parts.push(
      ...input.skipped.slice(0, MAX_ROWS).map((s) => `- ${codeSpan(s.subject)}: ${escapeMarkdown(s.reason)}`),
    );
    if (input.skipped.length > MAX_ROWS)
      parts.push(`- …and ${input.skipped.length - MAX_ROWS} more (see the step log)`);
    parts.push("");
  }
  return parts.join("\n");
}
