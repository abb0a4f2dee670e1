import { type Severity, severityFromCvss, severityFromLabel } from "@secflow/sarif";
import type { OsvRecord, OsvSeverity } from "./types.ts";

export interface AdvisorySeverity {
  severity: Severity;
  /** CVSS base score, when a vector gave the severity. */
  score?: number;
  /** Where it came from, for the rule's help: "CVSS:3.1/…", "advisory label HIGH", "not given". */
  source: string;
}

// v3 is what most advisories and GitHub's own ladder use; v4 and v2 fill in when it is missing.
const PREFERENCE = ["CVSS_V3", "CVSS_V4", "CVSS_V2"];

/** Severity from the CVSS vector when there is a readable one, else the advisory's own label. */
export function advisorySeverity(record: OsvRecord): AdvisorySeverity {
  const vectors: OsvSeverity[] = [
    ...(record.severity ?? []),
    ...(record.affected ?? []).flatMap((a) => a.severity ?? []),
  ];
  for (const type of PREFERENCE) {
    for (const entry of vectors) {
      if (entry.type !== type || typeof entry.score !== "string") continue;
      try {
        const { score, severity } = severityFromCvss(entry.score);
        return { severity, score, source: entry.score };
      } catch {
        // A malformed vector: try the next one, then the label.
      }
    }
  }
  const labels = [
    record.database_specific?.severity,
    ...(record.affected ?? []).map((a) => a.ecosystem_specific?.severity ?? a.database_specific?.severity),
  ];
  for (const label of labels) {
    if (typeof label !== "string") continue;
    const severity = severityFromLabel(label);
    if (severity) return { severity, source: `advisory label ${label}` };
  }
  // No data: medium, so the finding is neither hidden below thresholds nor inflated.
  return { severity: "medium", source: "not given by the advisory (medium assumed)" };
}

/** CWE ids the advisory names (GitHub's database_specific.cwe_ids). */
export function advisoryCwes(record: OsvRecord): string[] {
  const ids = record.database_specific?.cwe_ids;
  return Array.isArray(ids)
    ? ids.filter((id): id is string => typeof id === "string" && /^CWE-\d+$/i.test(id))
    : [];
}
