import type { Ecosystem, Skip } from "../model.ts";
import type { OsvRecord } from "../osv/types.ts";

/** One vulnerable package as another scanner reported it, normalized to an OSV record. */
export interface ImportedMatch {
  ecosystem: Ecosystem;
  name: string;
  /** Undefined when the tool does not say (npm audit gives a range, not the installed version). */
  version?: string;
  /** The lockfile the tool read, as the tool wrote it (relative or absolute). */
  lockfile?: string;
  record: OsvRecord;
}

export interface ImportedReport {
  tool: { name: string; version?: string; informationUri: string };
  matches: ImportedMatch[];
  skipped: Skip[];
}

export const IMPORT_FORMATS = ["auto", "npm-audit", "osv-scanner", "trivy", "grype"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
