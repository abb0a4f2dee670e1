// The job summary: first everything that could not be checked, then what was scanned and the
// findings the change brings in (all findings when there is no baseline) with their fixes. It
// reads the SARIF log built, through the kit's meaning of new and counted, so it says what the
// outputs say.

import {
  codeSpan,
  escapeMarkdown,
  type FindingCounts,
  isCounted,
  isNew,
  markdownTable,
  uncheckedMarkdown,
} from "@secflow/kit";
import { compareSeverity, decodePath, type Sarif, type Severity, severityOf } from "@secflow/sarif";
import type { Skip } from "./model.ts";
import { advisoryUrl } from "./rules.ts";

export interface SummaryInput {
  source: string;
  lockfiles: number;
  packages: number;
  devExcluded: number;
  /** What "new" was decided against; undefined when every finding counts as new. */
  comparison?: string;
  log: Sarif.Log;
  counts: FindingCounts;
  /** What the scan could not check (the SARIF runs record it too). */
  unchecked: readonly Skip[];
  warnings: readonly string[];
}

const MAX_ROWS = 50;

/** The parts of `properties.secflow` an sca result carries (sarif-output.ts). */
interface Dependency {
  severity: Severity;
  package: string;
  installedVersion: string;
  advisory?: string;
  fixedVersions?: string[];
  upgradeTo?: string;
  relation?: string;
  scope?: string;
  license?: string;
  where: string;
}

export function summaryMarkdown(input: SummaryInput): string {
  const diff = input.comparison !== undefined;
  const counted = input.log.runs.flatMap((run) => run.results ?? []).filter(isCounted);
  const isLicense = (r: Sarif.Result) => r.ruleId?.startsWith("license-") ?? false;
  const vulns = counted.filter((r) => !isLicense(r));
  const licenses = counted.filter(isLicense);
  const newVulns = vulns.filter(isNew).map(dependency);
  const newLicenses = licenses.filter(isNew);
  const parts: string[] = ["## secflow sca", ""];
  // What was not checked comes first: the counts below say nothing about it.
  const unchecked = uncheckedMarkdown(input.unchecked, escapeMarkdown, MAX_ROWS);
  if (unchecked) parts.push(unchecked);
  parts.push(
    `Scanned ${input.packages} packages in ${input.lockfiles} lockfile${input.lockfiles === 1 ? "" : "s"} against ${escapeMarkdown(input.source)}` +
      (input.devExcluded ? ` (${input.devExcluded} dev-only packages left out by configuration)` : "") +
      `.${diff ? ` ${escapeMarkdown(input.comparison ?? "")}` : ""}`,
    "",
    `**${vulns.length}** vulnerable (package, advisory) pair${vulns.length === 1 ? "" : "s"}` +
      (diff ? `, **${newVulns.length}** new in this change` : "") +
      `; ${licenses.length} license problem${licenses.length === 1 ? "" : "s"}` +
      (input.counts.waived ? `; ${input.counts.waived} waived or ignored by configuration` : "") +
      (input.counts.underReview ? `; ${input.counts.underReview} with a waiver under review (counted)` : "") +
      ".",
    "",
  );
  if (newVulns.length > 0) {
    parts.push(`### ${diff ? "New vulnerable dependencies" : "Vulnerable dependencies"}`, "");
    const rows = newVulns
      .sort((a, b) => compareSeverity(b.severity, a.severity) || a.package.localeCompare(b.package))
      .slice(0, MAX_ROWS)
      .map((d) => [
        d.severity,
        { markdown: codeSpan(d.package) },
        d.installedVersion,
        { markdown: `[${escapeMarkdown(d.advisory ?? "")}](${advisoryUrl(d.advisory ?? "")})` },
        d.upgradeTo
          ? `upgrade to ${d.upgradeTo}`
          : d.fixedVersions?.length
            ? `fixed in ${d.fixedVersions.join(", ")}`
            : "no fix known",
        `${d.relation}, ${d.scope}`,
        { markdown: codeSpan(d.where) },
      ]);
    parts.push(
      markdownTable(["Severity", "Package", "Installed", "Advisory", "Fix", "Dependency", "Where"], rows),
    );
    if (newVulns.length > MAX_ROWS)
      parts.push(`…and ${newVulns.length - MAX_ROWS} more in the SARIF file.`, "");
  }
  if (newLicenses.length > 0) {
    parts.push(`### ${diff ? "New license problems" : "License problems"}`, "");
    const rows = newLicenses.slice(0, MAX_ROWS).map((result) => {
      const d = dependency(result);
      return [
        (result.ruleId ?? "").replace(/^license-/, ""),
        { markdown: codeSpan(d.package) },
        d.installedVersion,
        d.license ?? "none recorded",
        { markdown: codeSpan(d.where) },
      ];
    });
    parts.push(markdownTable(["Problem", "Package", "Version", "License", "Where"], rows));
    if (newLicenses.length > MAX_ROWS)
      parts.push(`…and ${newLicenses.length - MAX_ROWS} more in the SARIF file.`, "");
  }
  if (input.warnings.length > 0) {
    parts.push("### Warnings", "", ...input.warnings.map((w) => `- ${escapeMarkdown(w)}`), "");
  }
  return parts.join("\n");
}

function dependency(result: Sarif.Result): Dependency {
  const secflow = (result.properties?.secflow ?? {}) as Partial<Dependency>;
  const location = result.locations?.[0]?.physicalLocation;
  const uri = decodePath(location?.artifactLocation?.uri ?? "");
  return {
    ...secflow,
    severity: severityOf(result),
    package: secflow.package ?? "",
    installedVersion: secflow.installedVersion ?? "",
    advisory: secflow.advisory ?? result.ruleId ?? "",
    where: `${uri}:${location?.region?.startLine ?? 1}`,
  };
}
